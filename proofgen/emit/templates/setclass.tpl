# English templates for set.mm from ax-ext on: class notation, relations and
# functions, numbers and the operations on them (language: templates.lark).
#
# Symbols stay where mathematicians keep them in a sentence ("𝐴 + 𝐵",
# "𝐹(𝐴)", "𝐴 ⊆ 𝐵" next to "𝐴 is a subset of 𝐵"); constants without an
# entry (ℝ, Base, +) read as their symbol.  Entries with a fixed variable,
# `co(2=cfz)`, read an operation or relation by what it is.

# -- membership, equality, inclusion ------------------------------------------

syntax wne : "{(1)} ≠ {(2)}" | "{(1)} is not equal to {(2)}" | "{(1)} differs from {(2)}" ;
syntax wnel : "{(1)} ∉ {(2)}" | "{(1)} is not an element of {(2)}" ;
syntax wss : "{(1)} is a subset of {(2)}" | "{(1)} ⊆ {(2)}" | "{(1)} is included in {(2)}" ;
syntax wpss : "{(1)} is a proper subset of {(2)}" | "{(1)} ⊊ {(2)}" ;
syntax wcel(2=cr) : "{(1)} is a real number" | "{(1)} ∈ ℝ" ;
syntax wcel(2=cc) : "{(1)} is a complex number" | "{(1)} ∈ ℂ" ;
syntax wcel(2=cn) : "{(1)} is a positive integer" | "{(1)} ∈ ℕ" ;
syntax wcel(2=cn0) : "{(1)} is a nonnegative integer" | "{(1)} ∈ ℕ0" ;
syntax wcel(2=cz) : "{(1)} is an integer" | "{(1)} ∈ ℤ" ;
syntax wcel(2=cq) : "{(1)} is a rational number" | "{(1)} ∈ ℚ" ;
syntax wcel(2=crp) : "{(1)} is a positive real number" | "{(1)} ∈ ℝ+" ;
syntax wcel(2=cxr) : "{(1)} is an extended real number" | "{(1)} ∈ ℝ*" ;
syntax wcel(2=cvv) : "{(1)} is a set" | "{(1)} exists as a set" ;
syntax wcel(2=cfn) : "{(1)} is finite" | "{(1)} is a finite set" ;
syntax wcel(2=con0) : "{(1)} is an ordinal" | "{(1)} is an ordinal number" ;
syntax wcel(2=cprime) : "{(1)} is a prime number" | "{(1)} is prime" ;

# -- classes ----------------------------------------------------------------------

syntax cab : "the class of all {1} such that {2}" | "\{{1} ∣ {2}\}" ;
syntax crab : "the set of {1} in {2} such that {3}" | "\{{1} ∈ {2} ∣ {3}\}" ;
syntax copab : "the class of pairs ⟨{1}, {2}⟩ such that {3}" | "\{⟨{1}, {2}⟩ ∣ {3}\}" ;
syntax csn : "\{{1}\}" | "the singleton of {1}" ;
syntax cpr : "\{{1}, {2}\}" | "the pair of {1} and {2}" ;
syntax ctp : "\{{1}, {2}, {3}\}" ;
syntax cop : "⟨{1}, {2}⟩" | "the ordered pair of {1} and {2}" ;
syntax cotp : "⟨{1}, {2}, {3}⟩" | "the ordered triple of {1}, {2} and {3}" ;
syntax cun : "{(1)} ∪ {(2)}" | "the union of {(1)} and {(2)}" ;
syntax cin : "{(1)} ∩ {(2)}" | "the intersection of {(1)} and {(2)}" ;
syntax cdif : "{(1)} ∖ {(2)}" | "the difference of {(1)} and {(2)}" ;
syntax cuni : "the union of {1}" | "⋃{(1)}" ;
syntax cint : "the intersection of {1}" | "⋂{(1)}" ;
syntax cpw : "the power set of {1}" | "𝒫{(1)}" ;
syntax cxp : "{(1)} × {(2)}" | "the Cartesian product of {(1)} and {(2)}" ;
syntax cif : "{(2)} if {(1)}, else {(3)}" | "if({1}, {2}, {3})" ;
syntax ciun : "the union over {1} in {2} of {3}" | "⋃{1} ∈ {(2)} {(3)}" ;
syntax ciin : "the intersection over {1} in {2} of {3}" ;
syntax csuc : "the successor of {1}" | "suc {(1)}" ;
syntax csb : "{(3)} with {1} substituted for {2}" | "{(3)} with {2} replaced by {1}" ;
syntax wsbc : "{(3)} holds with {1} substituted for {2}" | "{(3)} holds for {2} equal to {1}" ;
syntax wnfc : "{1} is not free in the class {(2)}" | "{1} does not occur free in {(2)}" ;
syntax wral : "for all {1} in {2}, {3}" | "for every {1} ∈ {2}, {3}" | "{(3)} for all {1} in {2}" ;
syntax wrex : "there is some {1} in {2} such that {3}" | "for some {1} ∈ {2}, {3}"
            | "there exists {1} ∈ {2} with {3}" ;
syntax wreu : "there is exactly one {1} in {2} such that {3}" | "there is a unique {1} ∈ {2} with {3}" ;
syntax wrmo : "there is at most one {1} in {2} such that {3}" ;
syntax crio : "the unique {1} in {2} such that {3}" ;
syntax cio : "the unique {1} such that {2}" ;
syntax cec : "the equivalence class of {1} under {2}" | "[{1}]{(2)}" ;
syntax cqs : "the quotient of {1} by {2}" | "{(1)} / {(2)}" ;
syntax cdc : "{(1)}{(2)}" ;

# -- relations and functions ----------------------------------------------------------

syntax wbr : "{(1)} {2} {(3)}" | "{(1)} is related to {(3)} by {2}" ;
syntax wbr(2=clt) : "{(1)} < {(3)}" | "{(1)} is less than {(3)}" ;
syntax wbr(2=cle) : "{(1)} ≤ {(3)}" | "{(1)} is at most {(3)}" | "{(1)} is less than or equal to {(3)}" ;
syntax wbr(2=cdvds) : "{(1)} divides {(3)}" | "{(1)} ∥ {(3)}" ;
syntax wbr(2=cen) : "{(1)} is equinumerous to {(3)}" | "{(1)} ≈ {(3)}" ;
syntax wbr(2=cdom) : "{(1)} is dominated by {(3)}" | "{(1)} ≼ {(3)}" ;
syntax wbr(2=csdm) : "{(1)} is strictly dominated by {(3)}" | "{(1)} ≺ {(3)}" ;
syntax wbr(2=cli) : "{(1)} converges to {(3)}" | "{(1)} ⇝ {(3)}" ;
syntax cfv : "{(1)}({2})" | "the value of {1} at {2}" ;
syntax cfv(1=cabs) : "|{2}|" | "the absolute value of {2}" ;
syntax cfv(1=chash) : "the number of elements of {2}" | "#{(2)}" ;
syntax cfv(1=cbs) : "the base set of {2}" | "Base({2})" ;
syntax cfv(1=c0g) : "the zero of {2}" | "0g({2})" ;
syntax cfv(1=cplusg) : "the addition of {2}" | "+g({2})" ;
syntax cfv(1=csqrt) : "√{(2)}" | "the square root of {2}" ;
syntax cfv(1=cfl) : "⌊{2}⌋" | "the floor of {2}" ;
syntax cfv(1=cre) : "the real part of {2}" | "ℜ({2})" ;
syntax cfv(1=cim) : "the imaginary part of {2}" | "ℑ({2})" ;
syntax cfv(1=cuz) : "the integers from {2} on" | "ℤ≥({2})" ;
syntax cfv(1=c1st) : "the first member of {2}" | "1st({2})" ;
syntax cfv(1=c2nd) : "the second member of {2}" | "2nd({2})" ;
syntax cfv(1=ccrd) : "the cardinality of {2}" | "card({2})" ;
syntax cfv(1=clog) : "log {(2)}" | "the logarithm of {2}" ;
syntax cfv(1=ce) : "exp({2})" | "the exponential of {2}" ;
syntax co : "{(1)} {2} {(3)}" | "the value of the operation {2} at {1} and {3}" ;
syntax co(2=caddc) : "{(1)} + {(3)}" | "the sum of {(1)} and {(3)}" ;
syntax co(2=cmul) : "{(1)} · {(3)}" | "the product of {(1)} and {(3)}" ;
syntax co(2=cmin) : "{(1)} − {(3)}" | "{(1)} minus {(3)}" ;
syntax co(2=cdiv) : "{(1)} / {(3)}" | "{(1)} divided by {(3)}" ;
syntax co(2=cexp) : "{(1)}↑{(3)}" | "{(1)} to the power {(3)}" ;
syntax co(2=cfz) : "the integers from {1} to {3}" | "\{{1}, …, {3}\}" ;
syntax co(2=cfzo) : "the integers from {1} to before {3}" | "({1}..^{3})" ;
syntax co(2=cicc) : "the closed interval [{1}, {3}]" | "[{1}, {3}]" ;
syntax co(2=cioo) : "the open interval ({1}, {3})" | "({1}, {3})" ;
syntax co(2=cico) : "the interval [{1}, {3})" | "[{1}, {3})" ;
syntax co(2=cioc) : "the interval ({1}, {3}]" | "({1}, {3}]" ;
syntax co(2=cmap) : "the set of functions from {3} to {1}" | "{(1)} ↑m {(3)}" ;
syntax co(2=cmo) : "{(1)} mod {(3)}" | "the remainder of {(1)} modulo {(3)}" ;
syntax co(2=cgcd) : "the greatest common divisor of {1} and {3}" | "{(1)} gcd {(3)}" ;
syntax cneg : "−{(1)}" | "the negative of {1}" ;
syntax cmpt : "the function mapping each {1} in {2} to {3}" | "({1} ∈ {2} ↦ {3})" ;
syntax cmpt2 : "the function mapping {1} in {2} and {3} in {4} to {5}" | "({1} ∈ {2}, {3} ∈ {4} ↦ {5})" ;
syntax crn : "the range of {1}" | "ran {(1)}" ;
syntax cdm : "the domain of {1}" | "dom {(1)}" ;
syntax cres : "the restriction of {(1)} to {(2)}" | "{(1)} ↾ {(2)}" ;
syntax ccnv : "the converse of {1}" | "{(1)}⁻¹" ;
syntax ccom : "the composition of {(1)} and {(2)}" | "{(1)} ∘ {(2)}" ;
syntax cima : "the image of {(2)} under {(1)}" | "{(1)} “ {(2)}" ;
syntax wf : "{(1)} is a function from {(2)} to {(3)}" | "{(1)} maps {(2)} into {(3)}" ;
syntax wf1 : "{(1)} is a one-to-one function from {(2)} to {(3)}" ;
syntax wfo : "{(1)} is a function from {(2)} onto {(3)}" ;
syntax wf1o : "{(1)} is a bijection from {(2)} to {(3)}" | "{(1)} maps {(2)} one-to-one onto {(3)}" ;
syntax wfn : "{(1)} is a function on {(2)}" | "{(1)} is a function with domain {(2)}" ;
syntax wfun : "{(1)} is a function" ;
syntax wrel : "{(1)} is a relation" ;
syntax wiso : "{(1)} is an isomorphism from {(4)} ordered by {(2)} to {(5)} ordered by {(3)}" ;
syntax wor : "{(1)} totally orders {(2)}" | "{(1)} is a total order on {(2)}" ;
syntax wpo : "{(1)} partially orders {(2)}" | "{(1)} is a partial order on {(2)}" ;
syntax wwe : "{(1)} well-orders {(2)}" | "{(1)} is a well-ordering of {(2)}" ;
syntax wfr : "{(1)} is well-founded on {(2)}" ;
syntax wse : "{(1)} is set-like on {(2)}" ;
syntax wer : "{(1)} is an equivalence relation on {(2)}" ;
syntax word : "{(1)} is an ordinal class" | "{(1)} is ordinal" ;
syntax wtr : "{(1)} is transitive" | "{(1)} is a transitive class" ;
syntax wlim : "{(1)} is a limit ordinal" ;
syntax wdisj : "the classes {(3)} for {1} in {2} are disjoint" ;
syntax cof : "the function operation built from {1}" | "∘f {(1)}" ;
syntax cofr : "the function relation built from {1}" | "∘r {(1)}" ;
syntax cpred : "the predecessors of {3} in {2} under {1}" ;
syntax ctpos : "the transposition of {1}" | "tpos {(1)}" ;
syntax coprab : "the class of triples ⟨⟨{1}, {2}⟩, {3}⟩ such that {4}" ;

# -- sequences, sums, limits -------------------------------------------------------------

syntax cseq : "the sequence of partial results of {2} on {3} from {1}" | "seq{1}({2}, {3})" ;
syntax csu : "the sum over {1} in {2} of {3}" | "Σ{1} ∈ {(2)} {(3)}" ;
syntax cprod : "the product over {1} in {2} of {3}" | "∏{1} ∈ {(2)} {(3)}" ;
syntax citg : "the integral of {2} over {1} with respect to {3}" | "∫{(1)} {(2)} d{3}" ;
syntax cixp : "the product of the sets {3} for {1} in {2}" | "X{1} ∈ {(2)} {(3)}" ;
syntax csup : "the supremum of {1} in {2} with respect to {3}" | "sup({1}, {2}, {3})" ;
syntax cinf : "the infimum of {1} in {2} with respect to {3}" | "inf({1}, {2}, {3})" ;
syntax crdg : "the recursive definition generator on {1} from {2}" | "rec({1}, {2})" ;
syntax cword : "the set of words over {1}" | "Word {(1)}" ;
syntax cs1 : "the word ⟨“{1}”⟩" | "⟨“{1}”⟩" ;
syntax cs2 : "the word ⟨“{1} {2}”⟩" | "⟨“{1} {2}”⟩" ;
syntax cs3 : "the word ⟨“{1} {2} {3}”⟩" | "⟨“{1} {2} {3}”⟩" ;
syntax cslot : "the slot {1}" | "Slot {(1)}" ;

# -- step families: equality and substitution ---------------------------------------------
#
# Families name the assertions of a shape by a label pattern; they must be
# true of every assertion their pattern matches in set.mm.

family "(fv|ov|op|br|mpt|mpt2|rab|ab|sn|pr|tp|un|in|dif|xp|res|ima|co|cnv|dm|rn|uni|int|pw|if|iun|iin|sb|csb|sum|prod|seq|neg|suc|word|sup|inf|rio|ec|ixp|itg)eq(1|2|3|12|13|23|123)?[dis]?(v|va|dv|dva|dvv|i)?"
  : "substitution of equals into a class term" | "the equality rule for class terms" ;
family "(el|eq|ne|ss|pss|nel|f|f1|fo|f1o|fn|fun|rel|ral|rex|reu|rmo|sbc|nfc|ord|tr|wrd)eq(1|2|3|12|13|23|123)?[dis]?(v|va|dv|dva|i|ii)?"
  : "substitution of equals into a formula" | "the equality rule for a relation between classes" ;
family "(ral|rex|reu|rmo|ab|rab|opab|iun|iin|sum|prod|mpt|mpt2)(bi|bii|bid|bidv|bidva|bida|eq|eqi|eqd|eqdv|eqbidv|eqbidva)(v|va|i|d)?"
  : "the rule for rewriting under a binder by an equivalence or equality" ;
family "(3?eqtr[234]?[rd]?[id]?|eqtr[234]?r?[id]|syl[56]eq[r]?|syl[56]req[r]?|sylan9eqr?|eqtr[234]?[ab]|3eqtr[234]?[a-z]*)"
  : "a chain of equalities" | "transitivity of equality" ;
family "(eqcomd|eqcomi|eqcom|eqcoms|necomd|necomi|necom|eqcomb)"
  : "symmetry of equality" | "the rule for reversing an equality" ;
family "(eqid|eqidd|eqidi)" : "reflexivity of equality" | "the fact that a class is equal to itself" ;
family "(eqeltr|eqeltrr|eleqtr|eleqtrr|syl5eqel|syl5eqelr|syl6eqel|syl6eqelr|syl6eleq|syl6eleqr|eleq[12]s)[di]?"
  : "substitution of equals into a membership" | "the rule for rewriting a membership by an equality" ;
family "(eqbrtr|eqbrtrr|breqtr|breqtrr|syl5eqbr|syl5eqbrr|syl6breq|syl6breqr|3brtr[34])[di]?"
  : "substitution of equals into a relation" | "the rule for rewriting a relation by an equality" ;
family "(eqsstr|eqsstrr|sseqtr|sseqtrr|syl5sseq|syl6sseq|syl5eqss|syl6eqss|sseqtr[34]|eqsstr[34])[0-9]?[di]?"
  : "substitution of equals into an inclusion" | "the rule for rewriting an inclusion by an equality" ;
family "(eqnetr|eqnetrr|neeqtr|neeqtrr)[di]?" : "substitution of equals into an inequality" ;
family "(sstr|sstrd|sstri|syl5ss|syl6ss|sstr2|sstr3)" : "transitivity of inclusion" ;
family "(sseld|sseli|sselda|sseldd|sseldi|ssel|ssel2|sselii|ssneld)" : "the rule for passing membership to a superset" ;
family "(letr|ltletr|lelttr|lttr|ltle|ltled|ltlei|ltleii)[di]?" : "the transitivity of the order on the real numbers" ;

# -- step families: closure and existence ---------------------------------------------------

family "[a-z0-9]+(cl|cld|cli|clda|cl2|cl2d|cl3|clnd)" : "a closure law" | "the closure of an operation" ;
family "(fv|ov|op|sn|pr|tp|un|in|dif|xp|res|ima|co|cnv|dm|rn|uni|pw|mpt|mpt2|rab|ab|if|iun|sup|inf|rio|c0|cn|re|z|nn|nn0)ex[gi]?" : "the fact that the class is a set" | "an existence law for sets" ;
family "(vex|elex|elexi|elexd|0ex|1ex|2ex|c0ex|snex|prex|opex|cnex|reex|ovex|fvex)" : "the fact that the class is a set" ;
family "(recn|recnd|recni|nncn|nncnd|nncni|zcn|zcnd|zcni|nn0cn|nn0cnd|nn0cni|rpcn|rpcnd|rpre|rpred|nnre|nnred|nnrei|zre|zred|zrei|nn0re|nn0red|nn0rei|rexr|rexrd|rexri|nnz|nnzd|nnzi|nn0z|nn0zd|nn0zi|nnnn0|nnnn0d|nnnn0i|nnrpd|nnrp|rpxr|rpxrd)"
  : "the inclusion between the number systems" | "the fact that every number of one kind is a number of a wider kind" ;
family "([0-9]+|neg1|ax-|ax-1|ax-i)(nn|nn0|re|cn|z|rp|xr|ne0|pos|lt[0-9]+|le[0-9]+|ge0|red|cnd|zzd|nnd)" : "the arithmetic fact" | "a fact about a particular number" ;
family "(ax-1cn|ax-icn|ax-resscn|ax-addcl|ax-mulcl|ax-mulcom|ax-addass|ax-mulass|ax-distr|ax-i2m1|ax-1ne0|ax-1rid|ax-rnegex|ax-rrecex|ax-cnre|ax-pre-lttri|ax-pre-lttrn|ax-pre-ltadd|ax-pre-mulgt0|ax-pre-sup|ax-addrcl|ax-mulrcl)"
  : "an axiom of the complex numbers" | "one of the axioms for the real and complex numbers" ;

# -- step families: quantifiers, bound variables, generalization ----------------------------------

family "(ralrimi|ralrimiv|ralrimiva|ralrimivw|ralrimivv|ralrimivva|ralrimivvva|ralrimdv|ralrimdva|ralrimd|ralrimiv2|rgen|rgenw|rgen2|rgen2a|rgen2w)"
  : "introduction of a restricted universal quantifier" | "generalization over a restricted domain" ;
family "(rspcv|rspcev|rspcdv|rspccv|rspccva|rspcva|rspc|rspce|rspcedv|rspcedvd|rspc2v|rspc2ev|rspc3v|rspcime|rspcimdv|rspcimedv|rspcdva|rspc2va|rspc2vd|rspceeqv|rspsbc|rspsbca|rspe|rsp|rspa|r19\.21bi|r19\.21be|r19\.29a|r19\.23bi|r19\.23adv|r19\.23v|rspccvd|ralrimi)"
  : "instantiation of a restricted quantifier" | "specialization of a restricted quantifier to a term" ;
family "(rexlimiv|rexlimiva|rexlimivv|rexlimdv|rexlimdva|rexlimdvv|rexlimdvva|rexlimddv|rexlimdvaa|rexlimi|rexlimd)"
  : "elimination of a restricted existential quantifier" ;
family "(ralimi|ralimia|ralimiaa|ralimdv|ralimdva|ralimdvva|reximi|reximia|reximdv|reximdva|reximdvai|ralim|rexim)"
  : "the rule for quantifying both sides of an implication over a domain" ;
family "(ralbii|ralbiia|ralbidv|ralbidva|ralbida|ralbid|rexbii|rexbiia|rexbidv|rexbidva|rexbida|rexbid|reubidv|reubidva|rmobidv|2ralbidv|2ralbidva|2rexbidv|2rexbiia|2ralbiia|raleqbidv|raleqbidva|rexeqbidv|rexeqbidva|raleqdv|rexeqdv|raleq|rexeq|raleqi|rexeqi)"
  : "the rule for rewriting inside a restricted quantifier" ;
family "(cbv[a-z0-9]*)" : "a change of bound variable" | "renaming a bound variable" ;
family "(nf[a-z0-9]*)" : "a non-freeness law" | "a law for a variable that is not free in a term" ;
family "(df-[a-z0-9.]+)" : "the definition of the notation" ;
family "(el(rab|rab2|rabi|rabd|ab|abg|abi|opab|in|ind|un|dif|difi|difsn|sn|sni|sng|pr|prg|tp|pw|pwi|iun|iin|uni|int|xp|xpi|fz|fzo|fzelz|fznn|fznn0|fzfz|map|mapi|mapd|ixp|rn|dm|ima|cnv|res|ico|icc|ioo|ioc|uz|uz2|nn|nn0|nnuz|pred|qs|ec))[0-9]*[a-z]*"
  : "the characterization of membership in a class" | "the membership rule for the class" ;
family "(fvmpt|fvmpt2|fvmptd|fvmptg|fvmpti|fvmptd2|fvmpt2d|fvmpt3|fvmpt4|ovmpt2|ovmpt2d|ovmpt2g|ovmpt2ga|ovmpt4g|fvmptf|fvmpts|fvres|fvresi|fvco|fvco2|fvco3|fvconst|fvconst2|fvconst2g|fvsn|fvsng|fvpr1|fvpr2|fvun1|fvun2|fvif|ovres|ovresd)"
  : "the rule for evaluating a function" | "the computation of a function value" ;
family "(ffn|ffnd|ffun|ffund|frn|frnd|fdm|fdmd|fss|fssd|fco|fcod|f1of|f1ofn|f1of1|f1ocnv|f1ocnvfv|f1ocnvfv1|f1ocnvfv2|f1ofo|fof|fofn|f1f|fnfun|fndm|fnfvelrn|ffvelrn|ffvelrnd|ffvelrnda|ffvelrni|fmpt|fmptd|fmpt2|fmpt3d|feqmptd|feq1|feq2|feq3|feq2d|feq1d|feq3d|fnmpt|fnmpti|funfn|fnresi|fnres|fresin|fssres|fssresd|fmptco|fmpttd)"
  : "a basic fact about functions" | "a law of functions and their domains and ranges" ;
family "(iftrue|iffalse|iftrued|iffalsed|ifbid|ifbieq1d|ifbieq2d|ifbieq12d|ifcl|ifcld|ifex|ifeq1|ifeq2|ifeq1d|ifeq2d|ifeq12d|ifboth|ifbothda|ifid)"
  : "the rule for a conditional class" ;
family "(inss1|inss2|ssun1|ssun2|difss|ssid|ssidd|0ss|ssrab2|ssriv|ssrdv|eqssd|eqss|eqssi|sseq1|sseq2|sseq12d|sseq1d|sseq2d|snssd|snss|snssi|unssd|unss|unssi|ssin|ssind|ssdifd|ssdif|imassrn|resss|dmss|rnss|ssexg|ssex|ssexi|ssfi|ssdomg|elpwi|elpw|sspwd|ssel2|sselpwd|incom|uncom|inidm|unidm|inass|unass)"
  : "a law of inclusion between classes" | "an inclusion law" ;

# -- step families: logic in set.mm's naming scheme -----------------------------------------------

family "(3|4|5)syl" : "a chain of syllogisms" | "repeated use of the syllogism" ;
family "syl[0-9]*anc[a-z0-9]*|sylan[0-9a-z]*|syl[0-9]+an[0-9a-z]*|sylanc[a-z0-9]*|sylancom|syldan[a-z0-9]*"
  : "the syllogism with conjoined premises" | "a syllogism through a conjunction" ;
family "syl[56][a-z0-9]*|syl[0-9]*[a-z]+|sylc[a-z0-9]*" : "a variant of the syllogism" ;
family "mp[0-9]*an[0-9a-z]*|mpan[0-9a-z]*" : "modus ponens with conjoined premises" ;
family "mpd[a-z0-9]*|mpi[a-z0-9]*|mp[0-9][a-z0-9]*|mpcom[a-z]*|mpsyl[a-z0-9]*"
  : "a form of modus ponens" | "detachment" ;
family "mpb[a-z0-9]*" : "modus ponens for the biconditional" ;
family "mt[a-z0-9]*" : "a form of modus tollens" ;
family "biimp[a-z0-9]*" : "one direction of an equivalence" ;
family "3?bitr[0-9a-z]*|bitr[0-9]?[a-z]*" : "a chain of equivalences" | "transitivity of the biconditional" ;
family "3?imtr[0-9a-z]*" : "the rule for rewriting an implication by equivalences" ;
family "(3?an|or|im|not|bi|3or|xor|nan)bi[0-9a-z]*" : "the rule for rewriting part of a formula by an equivalence" ;
family "(3?ad[0-9]*ant[lr0-9]*[a-z0-9]*|3?adant[0-9lr]*[a-z0-9]*|ad[0-9]antr+|ad[0-9]antl+[a-z]*)"
  : "the rule for adding conjuncts to the antecedent" | "weakening of the antecedent" ;
family "simp[0-9lr]+[a-z0-9]*" : "simplification of a conjunction" ;
family "exp[0-9]+[a-z0-9]*|expd[a-z]*|expimp[a-z]*" : "exportation" ;
family "imp[0-9]+[a-z0-9]*|impd[a-z]*|impr[a-z]*" : "importation" ;
family "com[0-9]+[a-z0-9]*" : "commutation of antecedents" ;
family "jca[0-9a-z]*|3jca[a-z0-9]*|jctil|jctir|jctl|jctr" : "conjunction introduction" ;
family "pm[0-9]+\.[0-9]+[a-z0-9]*" : "a theorem of Principia Mathematica" ;
family "con[0-9]+[a-z]*|necon[0-9]*[a-z0-9]*" : "contraposition" ;
family "ja[a-z0-9]*|mpjao[a-z0-9]*" : "proof by cases on a disjunction" ;
family "impbi[a-z0-9]*" : "biconditional introduction" ;
family "bicom[a-z]*|bicoms" : "symmetry of the biconditional" ;
family "an(com|ass|12|13|31|32|4|42)[a-z0-9]*|3an(com|ass|rot|rev|4)[a-z0-9]*"
  : "a rearrangement of conjuncts" ;

# -- step families: more of set theory and arithmetic ---------------------------------------------

family "[a-z0-9]+ne0[di]?|[a-z0-9]+ne0ii?|neneq[a-z]*|neneqd|nne|necomd" : "the fact that the number is nonzero" | "a law of inequality" ;
family "(add|mul|sub|div|neg|mulneg|subneg|negsub)(com|ass|id[12]|rid|lid|32|4|12|31|42|dir|di|dir|sub|add|neg|can|cl|sub)[a-z0-9]*"
  : "a law of arithmetic" | "an algebraic identity" ;
family "fzfi[a-z]*|fzofi[a-z]*|fzfid" : "the finiteness of a finite set of integers" ;
family "eqrd?v[a-z]*|eqrel[a-z]*|eqfnfv[a-z0-9]*|eqrdav" : "extensionality" | "the rule for proving an equality of classes elementwise" ;
family "opelxp[a-z0-9]*|opeq[a-z0-9]*|opth[a-z0-9]*|opex[a-z]*|opel[a-z0-9]*" : "a law of ordered pairs" ;
family "csbeq[a-z0-9]*|csb[a-z0-9]*" : "a law of substitution into a class" ;
family "sbc[a-z0-9]*|sb[0-9a-z]*" : "a law of substitution" ;
family "n0[a-z]*|ne0i|ne0d|n0i|ne0ii|neq0" : "the characterization of a nonempty class" ;
family "offval[0-9a-z]*|ofval[0-9a-z]*|of[a-z]+" : "the rule for an operation on functions pointwise" ;
family "el(?!im)[a-z0-9]*" : "a law of membership" | "the membership rule for the class" ;
family "(?!.*(rex|nex|r2ex|eu2ex)$)[a-z0-9]+ex[dgi]?" : "an existence theorem" ;
family "[a-z0-9]+(red|cnd|zd|xrd|rpd|nn0d|nnd)" : "a closure law" ;
family "(lt|le(?!ib)|ge|gt)[a-z0-9]*" : "a law of the order on the real numbers" ;
family "fv[a-z0-9]*" : "a law of function values" ;
family "ov[a-z0-9]*" : "a law of operation values" ;
family "ss[a-z0-9]*" : "a law of inclusion" ;
family "(un|in|dif)(com|ass|ss|ex|eq|idm|dir|di|0|v|cl|abs|self|co)[a-z0-9]*" : "a law of union, intersection and difference" ;
family "ral[a-z0-9]*|rex[a-z0-9]*|r19\.[0-9]+[a-z0-9]*|rsp[a-z0-9]*|reu[a-z0-9]*|rmo[a-z0-9]*" : "a law of restricted quantifiers" ;
family "(al(?!eph)|ex(?!p)|eu|mo(?!d))[a-z0-9]*|19\.[0-9]+[a-z0-9]*" : "a law of quantifiers" ;
family "iota[a-z0-9]*|riota[a-z0-9]*" : "a law of definite descriptions" ;
family "dm[a-z0-9]*|rn[a-z0-9]*|res[a-z0-9]*|cnv[a-z0-9]*|ima[a-z0-9]*|co(ass|eq|tr|ss|ex|fun|fn)[a-z0-9]*" : "a law of relations" ;
family "mpt[a-z0-9]*" : "a law of functions given by a rule" ;
family "sn[a-z0-9]*|pr(?!m|od|ed|ob)[a-z0-9]*|tp(?!os)[a-z0-9]*" : "a law of singletons and pairs" ;
family "hash[a-z0-9]*" : "a law of the size of finite sets" ;
family "fsum[a-z0-9]*|sum[a-z0-9]*|gsum[a-z0-9]*|fprod[a-z0-9]*" : "a law of finite sums and products" ;
family "uz[a-z0-9]*|eluz[a-z0-9]*|fz[a-z0-9]*" : "a law of sets of integers" ;
family "abs[a-z0-9]*|sqrt[a-z0-9]*|sq[a-z0-9]*|exp[a-z0-9]*" : "a law of powers, roots and absolute values" ;
family "nn[a-z0-9]*" : "a law of the natural numbers" ;
family "z(cn|re|q|ss|ex|le|lt|ge|gt|add|mul|sub|neg|[0-9]|nn|z|red|cnd|zd|nn0|ind|eo|odd|even|abs|mod)[a-z0-9]*" : "a law of the integers" ;
family "rp[a-z0-9]*" : "a law of the positive real numbers" ;
family "xr[a-z0-9]*" : "a law of the extended real numbers" ;
family "if[a-z0-9]*" : "the rule for a conditional class" ;
family "ring[a-z0-9]*|grp[a-z0-9]*|mnd[a-z0-9]*|lmod[a-z0-9]*|crng[a-z0-9]*|abl[a-z0-9]*|cmn[a-z0-9]*|mgp[a-z0-9]*|lss[a-z0-9]*|lsp[a-z0-9]*|ghm[a-z0-9]*|rhm[a-z0-9]*" : "a law of algebraic structures" ;
family "top[a-z0-9]*|met[a-z0-9]*|xmet[a-z0-9]*|ntr[a-z0-9]*" : "a law of topology and metric spaces" ;
family "dec[a-z0-9]*" : "decimal arithmetic" | "a rule of decimal arithmetic" ;
family "peano[0-9a-z]*" : "a law of successors" ;
family "pi(re|cn|pos|gt3|lt4|ne0|rp|xr|ge3|le4)[a-z0-9]*" : "a property of π" ;
family "[0-9]+p[0-9]+e[0-9]+[a-z]*" : "an addition fact" ;
family "[0-9]+t[0-9]+e[0-9]+[a-z]*" : "a multiplication fact" ;
family "[0-9]+on[a-z]*" : "the fact that the number is an ordinal" ;
family "xp[a-z0-9]*" : "a law of Cartesian products" ;
family "(anim|orim|imim)[0-9a-z]*" : "the rule for combining implications" ;
family "anidm[a-z]*" : "idempotence of conjunction" ;
family "tg[a-z0-9]*" : "a law of Tarski's geometry" ;
family "cnfld[a-z0-9]*" : "a property of the field of complex numbers" ;
family "subg[a-z0-9]*|nsg[a-z0-9]*" : "a law of subgroups" ;
family "ba?ib[a-z0-9]*" : "the rule for moving a conjunct out of an equivalence" ;
family "f(dm|rn|un|n|o|1|1o|co|ss|mpt|v|res|ima|cnv|const)[a-z0-9]*" : "a law of functions" ;
family "reean[a-z0-9]*|2rex[a-z0-9]*|2ral[a-z0-9]*" : "a law of restricted quantifiers" ;
family "impan[a-z0-9]*" : "a form of importation" ;
family "3com[0-9]+[a-z]*|3an[0-9]+[a-z]*" : "a rearrangement of a triple conjunction" ;
family "3pm[0-9]+\.[0-9]+[a-z0-9]*" : "a theorem of Principia Mathematica for triple conjunctions" ;
family "(add|mul|sub|div|neg|pn|np)(0|1|2|can|com|ass|id|rid|lid|dir|di|sub|add|neg|gt|lt|ge|le|ne|eq)[a-z0-9]*|2times[a-z]*"
  : "a law of arithmetic" | "an algebraic identity" ;
family "half[a-z0-9]*" : "a fact about halves" ;
family "simp-[0-9]+[lr]" : "simplification of a conjunction" ;
family "olc[a-z]*|orc[a-z]*" : "disjunction introduction" ;
family "impexp[a-z]*" : "the import-export law" ;
family "prm[a-z0-9]*" : "a law of prime numbers" ;
family "pnf[a-z0-9]*|mnf[a-z0-9]*" : "a fact about the infinities of the extended reals" ;
family "3imp[a-z0-9]*|3exp[a-z0-9]*" : "importation or exportation for a triple conjunction" ;
family "spc[a-z0-9]*|spei?m?[a-z]*" : "instantiation of a quantifier" ;
family "disj[a-z0-9]*" : "a law of disjoint classes" ;
family "noel|nel0|0nel[a-z]*" : "the fact that the empty set has no elements" ;
family "br[a-z0-9]*" : "a law of binary relations" ;
family "ply[a-z0-9]*|coe[a-z0-9]*|deg[a-z0-9]*" : "a law of polynomials" ;
family "vtocl[a-z0-9]*" : "the rule for instantiating a set variable by a class" ;
family "(en|dom|sdom)(tr|sym|ref|entr|ssdom|th|eq|1|2|domtr|sdomtr)[a-z0-9]*" : "a law of equinumerosity and dominance" ;
family "1st[a-z0-9]*|2nd[a-z0-9]*" : "a law of the members of ordered pairs" ;
family "on[a-z0-9]*|ord[a-z0-9]*" : "a law of ordinal numbers" ;
family "bi(an|or|im|tr|com|ass|id|just|d|bi|not|and)[a-z0-9]*" : "a law of the biconditional" ;
family "nsyl[0-9a-z]*" : "a syllogism with a negation" ;
family "ioran|ianor|anor|oran|pm4\.5[67]|ianordi?" : "one of De Morgan's laws" ;
family "eqimss[a-z0-9]*|eqri?v[a-z]*" : "a law of equality of classes" ;
family "df[a-z0-9]+" : "an alternative form of a definition" ;
family "rel[a-z0-9]*" : "a law of relations" ;
family "iun[a-z0-9]*|iin[a-z0-9]*" : "a law of indexed unions and intersections" ;
family "ndmfv[a-z0-9]*|fvprc[a-z]*" : "the rule for a function value outside the domain" ;
family "icc[a-z0-9]*|ioo[a-z0-9]*|ico[a-z0-9]*|ioc[a-z0-9]*" : "a law of intervals" ;
family "div(rec|mul|div|cl|ne0|gt|lt|ge|le|can|ass|dir|sub|add)[a-z0-9]*|rec(rec|cl|ne0|gt|lt|div)[a-z0-9]*" : "a law of division" ;
