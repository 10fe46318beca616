# English templates for hilbert.mm's labels that set.tpl does not define
# (language: templates.lark).  hilbert.mm follows set.mm's labels, so set.tpl
# covers the rest of it; these are the statements it has and set.mm has not,
# or has with another statement.

# `x = y` between individual variables is a syntax axiom here (set.mm builds
# it from classes, with cv and wceq)
syntax weq : "{1} = {2}" | "{1} equals {2}" ;

assertion notnotr : "double negation elimination" | "the law of double negation, read backwards" ;
