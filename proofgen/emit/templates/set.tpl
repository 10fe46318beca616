# English templates for set.mm's labels (language: templates.lark).
#
# Covers every syntax axiom of set.mm's propositional and predicate calculus
# (the statements before ax-ext), its axioms, and its most cited assertions.
# Entries apply to any database that uses these labels: hilbert.mm, iset.mm
# and others that follow set.mm's naming.
#
# Syntax alternatives read a formula; {k} is the k-th variable of the axiom's
# statement, {(k)} the same in parentheses when it is an open phrase.
# Assertion alternatives are noun phrases naming what a step citing the
# assertion does; they are used as "by ...", "applying ... to (1)",
# "... gives that".  They must be true of the assertion in every database
# that has the label, so they describe the statement, not its proof.

# -- syntax: propositional calculus -------------------------------------------

syntax wn : "not {(1)}" | top "it is not the case that {1}" | top "{(1)} is false" ;
syntax wi : "{(1)} implies {(2)}" | top "if {(1)}, then {2}" | top "{(1)} implies that {2}" ;
syntax wb : "{(1)} if and only if {(2)}" | "{(1)} is equivalent to {(2)}"
          | top "{(1)} exactly when {(2)}" ;
syntax wo : "{(1)} or {(2)}" | top "either {(1)} or {(2)}" ;
syntax wa : "{(1)} and {(2)}" | top "both {(1)} and {(2)}" ;
syntax w3o : "{(1)}, {(2)} or {(3)}" | top "at least one of {(1)}, {(2)} and {(3)} holds" ;
syntax w3a : "{(1)}, {(2)} and {(3)}" | top "each of {(1)}, {(2)} and {(3)} holds" ;
syntax wnan : "{(1)} nand {(2)}" | "not both {(1)} and {(2)}" | top "{(1)} and {(2)} are not both true" ;
syntax wxo : "{(1)} xor {(2)}" | top "exactly one of {(1)} and {(2)} holds"
           | top "either {(1)} or {(2)}, but not both" ;
syntax wif : "if {(1)} then {(2)}, otherwise {(3)}" | "{(2)} if {(1)}, and {(3)} otherwise" ;
syntax wtru : "⊤" | "true" ;
syntax wfal : "⊥" | "false" ;
syntax whad : "{(1)} xor {(2)} xor {(3)}" | top "an odd number of {(1)}, {(2)} and {(3)} are true"
            | top "the adder sum of {(1)}, {(2)} and {(3)} is true" ;
syntax wcad : "at least two of {(1)}, {(2)} and {(3)} are true"
            | top "the adder carry of {(1)}, {(2)} and {(3)} is true" ;

# -- syntax: predicate calculus ---------------------------------------------------

syntax wal : "for all {1}, {2}" | "for every {1}, {2}" | "{(2)} for all {1}" ;
syntax wex : "there exists {1} such that {2}" | "for some {1}, {2}" | "there is {1} with {2}" ;
syntax wnf : "{1} is not free in {(2)}" | "{1} is effectively not free in {(2)}" ;
syntax wsb : "{(3)} with {1} substituted for {2}" | "{(3)} holds with {1} in place of {2}" ;
syntax weu : "there is exactly one {1} such that {2}" | "there is a unique {1} with {2}" ;
syntax wmo : "there is at most one {1} such that {2}" ;
syntax cv : "{1}" ;
syntax wceq : "{(1)} = {(2)}" | "{(1)} equals {(2)}" | "{(1)} is equal to {(2)}" ;
syntax wcel : "{(1)} is an element of {(2)}" | "{(1)} belongs to {(2)}" | "{(1)} ∈ {(2)}" ;

# -- axioms -------------------------------------------------------------------------

assertion ax-mp : "modus ponens" | "the rule of detachment" ;
assertion ax-1 : "the axiom of simplification" | "the law that a true formula is implied by anything" ;
assertion ax-2 : "the self-distributive law of implication" | "Frege's axiom" ;
assertion ax-3 : "the axiom of contraposition" | "the axiom of transposition" ;
assertion ax-gen : "generalization" | "the rule of generalization" ;
assertion ax-4 : "the quantified implication axiom" | "distribution of the universal quantifier over implication" ;
assertion ax-5 : "the axiom of vacuous generalization" | "the distinct-variable generalization axiom" ;
assertion ax-6 : "the axiom of existence" ;
assertion ax-7 : "the axiom of equality" ;
assertion ax-8 : "the axiom of left equality for membership" ;
assertion ax-9 : "the axiom of right equality for membership" ;
assertion ax-10 : "the axiom of quantified negation" ;
assertion ax-11 : "the axiom of quantifier commutation" ;
assertion ax-12 : "the axiom of substitution" ;
assertion ax-13 : "the axiom of quantified equality" ;

# -- definitions --------------------------------------------------------------------

assertion df-bi : "the definition of the biconditional" ;
assertion df-or : "the definition of disjunction" ;
assertion df-an : "the definition of conjunction" ;
assertion df-3or : "the definition of triple disjunction" ;
assertion df-3an : "the definition of triple conjunction" ;
assertion df-nan : "the definition of alternative denial" ;
assertion df-xor : "the definition of exclusive disjunction" ;
assertion df-ex : "the definition of the existential quantifier" ;
assertion df-nf : "the definition of non-freeness" ;
assertion df-sb : "the definition of proper substitution" ;
assertion df-eu : "the definition of unique existence" ;
assertion df-mo : "the definition of the at-most-one quantifier" ;

# -- implication ----------------------------------------------------------------------

assertion syl : "the syllogism" | "transitivity of implication" | "hypothetical syllogism" ;
assertion 3syl : "a double syllogism" | "two applications of the syllogism" ;
assertion a1i : "introduction of an antecedent" | "the rule for weakening by an antecedent" ;
assertion a2i : "distribution of an antecedent" | "the inference form of Frege's axiom" ;
assertion a1d : "introduction of an embedded antecedent" | "the rule for weakening under an assumption" ;
assertion a2d : "distribution of an embedded antecedent" ;
assertion mpd : "modus ponens under an assumption" | "modus ponens in deduction form" ;
assertion mpi : "modus ponens on a nested antecedent" | "the rule for discharging a nested antecedent" ;
assertion mp1i : "modus ponens followed by a new antecedent" ;
assertion mp2 : "a double modus ponens" ;
assertion mp2b : "two successive uses of modus ponens" ;
assertion mpcom : "modus ponens with commuted antecedents" ;
assertion id : "the law of identity" | "the principle of identity" ;
assertion syld : "the syllogism under an assumption" | "the syllogism in deduction form" ;
assertion sylc : "the syllogism combined with contraction" ;
assertion syl5 : "the syllogism on the embedded antecedent" | "the syllogism on the inner antecedent" ;
assertion syl6 : "the syllogism on the consequent" | "the syllogism on the inner consequent" ;
assertion syl5com : "the syllogism with commuted antecedents" ;
assertion com12 : "commutation of antecedents" | "the rule for swapping the two antecedents" ;
assertion com23 : "the rule for swapping the second and third antecedents" ;
assertion imim2i : "the rule for adding a common antecedent to both sides" ;
assertion imim1i : "the rule for adding a common consequent to both sides" ;
assertion imim2 : "the law of prefixing an antecedent" ;
assertion imim1 : "the law of suffixing a consequent" ;
assertion pm2.27 : "the closed form of modus ponens" | "Principia's theorem *2.27" ;
assertion pm2.04 : "the law of commuting antecedents" | "Principia's theorem *2.04" ;
assertion pm2.43i : "contraction of a repeated antecedent" ;
assertion pm2.21 : "the principle that a falsehood implies anything" | "Principia's theorem *2.21" ;
assertion pm2.21i : "ex falso quodlibet" | "the principle that a false statement implies anything" ;
assertion pm2.24 : "the law that a formula and its negation imply anything" ;
assertion pm2.18 : "the law of Clavius" | "consequentia mirabilis" ;

# -- negation -------------------------------------------------------------------------

assertion notnot : "the law of double negation" | "double negation" ;
assertion con4i : "contraposition" | "the inference form of axiom ax-3" ;
assertion con4d : "contraposition under an assumption" ;
assertion con3 : "the law of contraposition" ;
assertion con3i : "contraposition" | "the contrapositive inference" ;
assertion con1i : "contraposition with a negated antecedent" ;
assertion con2i : "contraposition with a negated consequent" ;
assertion mto : "modus tollens" ;
assertion mtod : "modus tollens under an assumption" ;
assertion pm2.61i : "case analysis on the antecedent" | "elimination of an antecedent by cases" ;
assertion pm2.61dan : "case analysis on a conjunct" | "elimination of a conjunct by cases" ;
assertion ord : "the rule for turning a disjunction into an implication" ;
assertion trud : "elimination of ⊤ as an antecedent" | "the fact that what ⊤ implies is true" ;

# -- conjunction: introduction and elimination ------------------------------------------

assertion pm3.2i : "conjunction introduction" | "the rule for joining two facts with \"and\"" ;
assertion jca : "conjunction introduction under an assumption" | "the rule for joining consequents with \"and\"" ;
assertion 3jca : "the rule for joining three consequents with \"and\"" | "triple conjunction introduction" ;
assertion simpl : "left simplification" | "elimination of the right conjunct" ;
assertion simpr : "right simplification" | "elimination of the left conjunct" ;
assertion simpld : "left simplification under an assumption" | "left conjunct elimination in deduction form" ;
assertion simprd : "right simplification under an assumption" | "right conjunct elimination in deduction form" ;
assertion simpll : "simplification to the left part of the left conjunct" ;
assertion simplr : "simplification to the right part of the left conjunct" ;
assertion simprl : "simplification to the left part of the right conjunct" ;
assertion simprr : "simplification to the right part of the right conjunct" ;
assertion simplll : "simplification to the left part of the left part of the left conjunct" ;
assertion simpllr : "simplification to the right part of the left part of the left conjunct" ;
assertion simplrl : "simplification to the left part of the right part of the left conjunct" ;
assertion simplrr : "simplification to the right part of the right part of the left conjunct" ;
assertion simprrl : "simplification to the left part of the right part of the right conjunct" ;
assertion simprrr : "simplification to the right part of the right part of the right conjunct" ;
assertion simp1 : "simplification of a triple conjunction to its first member" ;
assertion simp2 : "simplification of a triple conjunction to its second member" ;
assertion simp3 : "simplification of a triple conjunction to its third member" ;
assertion simp1d : "the rule for extracting the first member of a triple conjunction under an assumption" ;
assertion simp2d : "the rule for extracting the second member of a triple conjunction under an assumption" ;
assertion simp3d : "the rule for extracting the third member of a triple conjunction under an assumption" ;
assertion simpl1 : "simplification to the first member of a left triple conjunction" ;
assertion simpl2 : "simplification to the second member of a left triple conjunction" ;
assertion simpl3 : "simplification to the third member of a left triple conjunction" ;
assertion simpr1 : "simplification to the first member of a right triple conjunction" ;
assertion simpr2 : "simplification to the second member of a right triple conjunction" ;
assertion simpr3 : "simplification to the third member of a right triple conjunction" ;
assertion simp1l : "simplification to the left conjunct of the first member of a triple conjunction" ;
assertion simp1r : "simplification to the right conjunct of the first member of a triple conjunction" ;
assertion simp2l : "simplification to the left conjunct of the second member of a triple conjunction" ;
assertion simp2r : "simplification to the right conjunct of the second member of a triple conjunction" ;
assertion simp3l : "simplification to the left conjunct of the third member of a triple conjunction" ;
assertion simp3r : "simplification to the right conjunct of the third member of a triple conjunction" ;
assertion simp11 : "simplification to the first member of the first triple conjunction" ;
assertion simp12 : "simplification to the second member of the first triple conjunction" ;
assertion simp13 : "simplification to the third member of the first triple conjunction" ;
assertion simp21 : "simplification to the first member of the second triple conjunction" ;
assertion simp22 : "simplification to the second member of the second triple conjunction" ;
assertion simp23 : "simplification to the third member of the second triple conjunction" ;
assertion simp31 : "simplification to the first member of the third triple conjunction" ;
assertion simp32 : "simplification to the second member of the third triple conjunction" ;
assertion simp33 : "simplification to the third member of the third triple conjunction" ;
assertion simprbi : "the rule for extracting the right conjunct of an equivalent conjunction" ;
assertion simplbi : "the rule for extracting the left conjunct of an equivalent conjunction" ;
assertion simprll : "simplification to the left part of the left part of the right conjunct" ;
assertion simprlr : "simplification to the right part of the left part of the right conjunct" ;

# -- conjunction in antecedents ------------------------------------------------------------

assertion adantr : "the rule for adding a conjunct on the right of the antecedent" | "the rule for weakening the antecedent by a right conjunct" ;
assertion adantl : "the rule for adding a conjunct on the left of the antecedent" | "the rule for weakening the antecedent by a left conjunct" ;
assertion adantlr : "the rule for adding a conjunct inside the left conjunct of the antecedent" ;
assertion adantll : "the rule for adding a conjunct on the far left of the antecedent" ;
assertion adantrr : "the rule for adding a conjunct inside the right conjunct of the antecedent" ;
assertion adantrl : "the rule for adding a conjunct to the left of the right conjunct of the antecedent" ;
assertion adantld : "the rule for adding a conjunct on the left of an embedded antecedent" ;
assertion ad2antrr : "the rule for adding two conjuncts on the right of the antecedent" ;
assertion ad2antlr : "the rule for adding conjuncts on both sides of the antecedent" ;
assertion ad2antrl : "the rule for adding conjuncts around the antecedent, nested on the right" ;
assertion ad2antll : "the rule for adding two conjuncts on the left of the antecedent" ;
assertion ad3antrrr : "the rule for adding three conjuncts on the right of the antecedent" ;
assertion ad2ant2r : "the rule for adding a conjunct to each conjunct of the antecedent" ;
assertion 3ad2ant1 : "the rule for placing the antecedent first in a triple conjunction" ;
assertion 3ad2ant2 : "the rule for placing the antecedent second in a triple conjunction" ;
assertion 3ad2ant3 : "the rule for placing the antecedent third in a triple conjunction" ;
assertion 3adant1 : "the rule for adding a first member to make the antecedent a triple conjunction" ;
assertion 3adant2 : "the rule for adding a middle member to make the antecedent a triple conjunction" ;
assertion 3adant3 : "the rule for adding a last member to make the antecedent a triple conjunction" ;
assertion ancoms : "the rule for commuting the conjunction in the antecedent" ;
assertion an32s : "the rule for swapping the last two conjuncts of the antecedent" ;
assertion anassrs : "the rule for regrouping the conjunction in the antecedent to the left" ;
assertion ancom : "commutativity of conjunction" ;
assertion anass : "associativity of conjunction" ;
assertion 3anass : "associativity of triple conjunction" ;

# -- importation and exportation ------------------------------------------------------------

assertion ex : "exportation" | "implication introduction (exportation)" ;
assertion expcom : "exportation with commuted antecedents" ;
assertion expr : "the rule for exporting the last conjunct of the antecedent" ;
assertion expd : "exportation under an assumption" ;
assertion exp31 : "exportation of a left-nested conjunction" ;
assertion expimpd : "exportation followed by importation" ;
assertion 3exp : "exportation of a triple conjunction" ;
assertion 3expa : "the rule for regrouping a triple conjunction in the antecedent to the left" ;
assertion 3expb : "the rule for regrouping a triple conjunction in the antecedent to the right" ;
assertion 3expia : "the rule for exporting the last member of a triple conjunction" ;
assertion imp : "importation" | "the rule for joining two antecedents with \"and\"" ;
assertion impcom : "importation with commuted antecedents" ;
assertion impd : "importation under an assumption" ;
assertion impr : "importation into the right conjunct" ;
assertion 3imp : "importation into a triple conjunction" ;
assertion 3impia : "the rule for importing a third antecedent into a triple conjunction" ;
assertion 3impa : "the rule for turning a left-nested conjunction into a triple conjunction" ;
assertion 3impb : "the rule for turning a right-nested conjunction into a triple conjunction" ;

# -- syllogisms with conjunctions -------------------------------------------------------------

assertion syl2anc : "the syllogism with two conjoined premises" | "the rule for combining two consequents and applying an implication" ;
assertion syl3anc : "the syllogism with three conjoined premises" ;
assertion syl12anc : "the syllogism with premises grouped one and two" ;
assertion syl13anc : "the syllogism with premises grouped one and three" ;
assertion syl21anc : "the syllogism with premises grouped two and one" ;
assertion syl22anc : "the syllogism with premises grouped two and two" ;
assertion syl31anc : "the syllogism with premises grouped three and one" ;
assertion syl112anc : "the syllogism with premises grouped one, one and two" ;
assertion syl131anc : "the syllogism with premises grouped one, three and one" ;
assertion syl122anc : "the syllogism with premises grouped one, two and two" ;
assertion sylan : "the syllogism on the left conjunct of an antecedent" ;
assertion sylan2 : "the syllogism on the right conjunct of an antecedent" ;
assertion sylan2b : "the syllogism through an equivalence on the right conjunct of an antecedent" ;
assertion syl2an : "a double syllogism on both conjuncts of an antecedent" ;
assertion syl2anr : "a double syllogism on both conjuncts, commuted" ;
assertion syl3an1 : "the syllogism on the first member of a triple conjunction" ;
assertion sylancr : "the syllogism with a proven left premise" ;
assertion sylancl : "the syllogism with a proven right premise" ;
assertion syldan : "the syllogism with conjoined antecedents" ;
assertion mpdan : "modus ponens with a conjoined antecedent" ;
assertion mpan : "modus ponens on the left conjunct" ;
assertion mpan2 : "modus ponens on the right conjunct" ;
assertion mp2an : "modus ponens with two conjoined premises" ;
assertion mp2and : "modus ponens with two conjoined premises under an assumption" ;
assertion mp3an : "modus ponens with three conjoined premises" ;
assertion mp3an1 : "the rule for discharging the first member of a triple conjunction" ;
assertion mp3an12 : "the rule for discharging the first two members of a triple conjunction" ;
assertion mp3an3 : "the rule for discharging the last member of a triple conjunction" ;
assertion anim12i : "the rule for conjoining two implications" ;
assertion anim1i : "the rule for adding a right conjunct to both sides of an implication" ;
assertion anim2i : "the rule for adding a left conjunct to both sides of an implication" ;
assertion jaoi : "disjunction elimination" | "proof by cases" ;
assertion jaod : "disjunction elimination under an assumption" ;

# -- the biconditional ------------------------------------------------------------------------

assertion mpbi : "modus ponens for the biconditional" ;
assertion mpbir : "modus ponens for the biconditional, right to left" ;
assertion mpbid : "modus ponens for the biconditional under an assumption" ;
assertion mpbird : "modus ponens for the biconditional, right to left, under an assumption" ;
assertion mpbiri : "detachment of a proven right side of an embedded biconditional" ;
assertion mpbii : "detachment of a proven left side of an embedded biconditional" ;
assertion mpbir2an : "the rule for detaching a conjunction of two truths from a biconditional" ;
assertion mpbir2and : "the rule for detaching a conjunction of two truths from a biconditional under an assumption" ;
assertion mpbir3and : "the rule for detaching a conjunction of three truths from a biconditional under an assumption" ;
assertion mpbi2and : "the rule for detaching two truths from a biconditional under an assumption" ;
assertion sylib : "the syllogism with a biconditional on the right" | "the rule for rewriting the consequent by an equivalence" ;
assertion sylibr : "the syllogism with a reversed biconditional" | "the rule for rewriting the consequent by an equivalence, right to left" ;
assertion sylbi : "the syllogism with a biconditional on the left" | "the rule for rewriting the antecedent by an equivalence" ;
assertion sylbir : "the rule for rewriting the antecedent by an equivalence, right to left" ;
assertion sylibd : "the rule for rewriting a consequent by an equivalence under an assumption" ;
assertion sylibrd : "the rule for rewriting a consequent by an equivalence, right to left, under an assumption" ;
assertion sylbid : "the rule for rewriting an antecedent by an equivalence under an assumption" ;
assertion sylbird : "the rule for rewriting an antecedent by an equivalence, right to left, under an assumption" ;
assertion sylanbrc : "the syllogism into a definition by conjunction" ;
assertion syl3anbrc : "the syllogism into a definition by triple conjunction" ;
assertion syl5bi : "the rule for rewriting an embedded antecedent by an equivalence" ;
assertion syl5bir : "the rule for rewriting an embedded antecedent by an equivalence, right to left" ;
assertion syl5ib : "a mixed syllogism with an embedded equivalence" ;
assertion syl5ibr : "a mixed syllogism with a reversed embedded equivalence" ;
assertion syl5ibcom : "a mixed syllogism with an embedded equivalence and commuted antecedents" ;
assertion syl5ibrcom : "a mixed syllogism with a reversed embedded equivalence and commuted antecedents" ;
assertion syl6bi : "a mixed syllogism: an embedded equivalence followed by an implication" ;
assertion syl6ibr : "the rule for rewriting an embedded consequent by an equivalence, right to left" ;
assertion syl5bb : "the rule for rewriting the left side of an equivalence" ;
assertion syl6bb : "the rule for rewriting the right side of an equivalence" | "transitivity of the biconditional on the right" ;
assertion syl6bbr : "the rule for rewriting the right side of an equivalence, right to left" ;
assertion biimpi : "the forward direction of an equivalence" ;
assertion biimpri : "the reverse direction of an equivalence" ;
assertion biimpd : "the forward direction of an equivalence under an assumption" ;
assertion biimprd : "the reverse direction of an equivalence under an assumption" ;
assertion biimpa : "the forward direction of an equivalence, imported" ;
assertion biimpar : "the reverse direction of an equivalence, imported" ;
assertion impbii : "biconditional introduction" | "the rule for combining an implication with its converse" ;
assertion impbid : "biconditional introduction under an assumption" ;
assertion impbida : "biconditional introduction from conjoined antecedents" ;
assertion impbid1 : "biconditional introduction from a deduction and a converse" ;
assertion impbid2 : "biconditional introduction from an implication and a deduction of its converse" ;
assertion ibi : "the rule for detaching an antecedent from an equivalence it implies" ;
assertion bitri : "transitivity of the biconditional" ;
assertion bitr3i : "transitivity of the biconditional, first premise reversed" ;
assertion bitr4i : "transitivity of the biconditional, second premise reversed" ;
assertion bitrd : "transitivity of the biconditional under an assumption" ;
assertion bitr3d : "transitivity of the biconditional under an assumption, first premise reversed" ;
assertion bitr4d : "transitivity of the biconditional under an assumption, second premise reversed" ;
assertion 3bitri : "a chain of three equivalences" ;
assertion 3bitrd : "a chain of three equivalences under an assumption" ;
assertion 3bitr4i : "the rule for rewriting both sides of an equivalence" ;
assertion 3bitr4d : "the rule for rewriting both sides of an equivalence under an assumption" ;
assertion 3bitr4g : "the rule for rewriting both sides of an embedded equivalence" ;
assertion 3imtr4d : "the rule for rewriting both sides of an implication under an assumption" ;
assertion 3imtr4g : "the rule for rewriting both sides of an embedded implication" ;
assertion bicomi : "commutativity of the biconditional" | "the rule for reversing an equivalence" ;
assertion bicomd : "the rule for reversing an equivalence under an assumption" ;
assertion biid : "reflexivity of the biconditional" ;
assertion biantrurd : "the rule for adding a true conjunct to an equivalence" ;
assertion notbid : "the rule for negating both sides of an equivalence" ;
assertion notbii : "the rule for negating both sides of an equivalence" ;
assertion anbi12d : "the rule for conjoining two equivalences under an assumption" ;
assertion anbi12i : "the rule for conjoining two equivalences" ;
assertion anbi1d : "the rule for adding a right conjunct to both sides of an equivalence" ;
assertion anbi2d : "the rule for adding a left conjunct to both sides of an equivalence" ;
assertion anbi1i : "the rule for adding a right conjunct to both sides of an equivalence" ;
assertion anbi2i : "the rule for adding a left conjunct to both sides of an equivalence" ;
assertion 3anbi123d : "the rule for conjoining three equivalences under an assumption" ;
assertion imbi12d : "the rule for combining two equivalences into an equivalence of implications" ;
assertion imbi1d : "the rule for adding a consequent to both sides of an equivalence" ;
assertion imbi2d : "the rule for adding an antecedent to both sides of an equivalence" ;
assertion orbi12d : "the rule for combining two equivalences into an equivalence of disjunctions" ;
assertion bibi12d : "the rule for combining two equivalences into an equivalence of equivalences" ;
assertion pm5.32da : "the rule for distributing an antecedent over an equivalence, as a conjunct" ;
assertion pm5.32i : "the rule for distributing a conjunct over an equivalence" ;
assertion mtbiri : "modus tollens through an equivalence" ;
assertion mpjaodan : "case analysis on a disjunction" ;
assertion jcad : "the rule for joining two consequents with \"and\" under an assumption" ;
assertion mpsyl : "modus ponens combined with the syllogism" ;
assertion mpand : "modus ponens on a conjunct under an assumption" ;
assertion com13 : "the rule for swapping the first and third antecedents" ;

# -- predicate calculus ---------------------------------------------------------------------------

assertion nfv : "the fact that a variable absent from a formula is not free in it" ;
assertion nfan : "non-freeness in a conjunction" ;
assertion nfim : "non-freeness in an implication" ;
assertion albii : "the rule for quantifying both sides of an equivalence universally" ;
assertion exbii : "the rule for quantifying both sides of an equivalence existentially" ;
assertion exbidv : "the rule for quantifying both sides of an equivalence existentially under an assumption" ;
assertion exlimiv : "existential elimination" | "the rule for eliminating an existential quantifier from the antecedent" ;
assertion exlimdv : "existential elimination under an assumption" ;
assertion alrimiv : "universal introduction" | "the rule for generalizing the consequent" ;
assertion alimi : "the rule for quantifying both sides of an implication universally" ;
assertion alimdv : "the rule for quantifying both sides of an implication universally under an assumption" ;
assertion stdpc5v : "the law moving a universal quantifier into the consequent" ;
assertion equid : "reflexivity of equality" ;
assertion equcomi : "symmetry of equality" ;
assertion equtr : "transitivity of equality" ;
