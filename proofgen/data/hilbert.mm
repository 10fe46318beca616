$( hilbert.mm - the default database of the proofgen project.

                           ~~ PUBLIC DOMAIN ~~
  This work is waived of all rights, including copyright, according to the
  CC0 Public Domain Dedication.
  http://creativecommons.org/publicdomain/zero/1.0/

  Written for the proofgen project.

  This file is a small, self-contained Metamath database.  It develops a
  Hilbert-style propositional calculus from Lukasiewicz's three axioms and
  modus ponens, then adds a small fragment of first-order logic with
  equality in which some axioms and theorems carry distinct variable
  conditions.  It serves as the default input for proofgen's demos and
  tests and as a seed for the theorem generator.  Statement labels and
  statements follow the conventions of set.mm, where each axiom and
  theorem of this file has a namesake.

  Proofs are given in both formats allowed by the Metamath specification:
  most are compressed, and a few ( ~ a1i , ~ a2i , ~ id and ~ equcomi ) are
  kept in normal (uncompressed) form.
$)


$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Propositional calculus: symbols and syntax
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  $( Declare the primitive constant symbols of propositional calculus:
     parentheses, implication, negation, the typecode ` wff ` of
     well-formed formulas, and the provability typecode ` |- ` . $)
  $c ( ) -> -. wff |- $.

  $( Declare the five wff metavariables (Greek letters phi, psi, chi,
     theta and tau). $)
  $v ph ps ch th ta $.

  $( Let variable ` ph ` be a wff. $)
  wph $f wff ph $.
  $( Let variable ` ps ` be a wff. $)
  wps $f wff ps $.
  $( Let variable ` ch ` be a wff. $)
  wch $f wff ch $.
  $( Let variable ` th ` be a wff. $)
  wth $f wff th $.
  $( Let variable ` ta ` be a wff. $)
  wta $f wff ta $.

  $( Seven more wff metavariables (eta, zeta, sigma, rho, mu, lambda,
     kappa), so that derived theorems can use up to twelve. $)
  $v et ze si rh mu la ka $.
  wet $f wff et $.
  wze $f wff ze $.
  wsi $f wff si $.
  wrh $f wff rh $.
  wmu $f wff mu $.
  wla $f wff la $.
  wka $f wff ka $.

  $( Declare the typecodes used by syntax-aware tools: ` wff ` is a syntax
     typecode, and statements with typecode ` |- ` are parsed as ` wff ` .
     The typecode of individual variables is declared in the predicate
     calculus section below. $)
  $( $j
    syntax 'wff';
    syntax '|-' as 'wff';
  $)

  $( If ` ph ` is a wff, so is ` -. ph ` ("not ` ph ` "). $)
  wn $a wff -. ph $.

  $( If ` ph ` and ` ps ` are wffs, so is ` ( ph -> ps ) ` ("if ` ph ` then
     ` ps ` "). $)
  wi $a wff ( ph -> ps ) $.

$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Propositional calculus: axioms
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  $( Axiom of simplification: a true statement is implied by anything.  The
     first of Lukasiewicz's three axioms. $)
  ax-1 $a |- ( ph -> ( ps -> ph ) ) $.

  $( Axiom of distribution (Frege): implication distributes over itself.  The
     second of Lukasiewicz's three axioms. $)
  ax-2 $a |- ( ( ph -> ( ps -> ch ) ) -> ( ( ph -> ps ) -> ( ph -> ch ) ) ) $.

  $( Axiom of contraposition: if ` -. ph ` implies ` -. ps ` , then ` ps `
     implies ` ph ` .  The third of Lukasiewicz's three axioms. $)
  ax-3 $a |- ( ( -. ph -> -. ps ) -> ( ps -> ph ) ) $.

  ${
    min $e |- ph $.
    maj $e |- ( ph -> ps ) $.
    $( Rule of modus ponens, the only inference rule of propositional calculus:
       from ` ph ` and ` ( ph -> ps ) ` infer ` ps ` . $)
    ax-mp $a |- ps $.
  $}

$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Propositional calculus: theorems about implication
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  ${
    a1i.1 $e |- ph $.
    $( Inference introducing an antecedent: inference form of ~ ax-1 . $)
    a1i $p |- ( ps -> ph ) $=
      wph wps wph wi a1i.1 wph wps ax-1 ax-mp $.
  $}

  ${
    a2i.1 $e |- ( ph -> ( ps -> ch ) ) $.
    $( Inference distributing an antecedent: inference form of ~ ax-2 . $)
    a2i $p |- ( ( ph -> ps ) -> ( ph -> ch ) ) $=
      wph wps wch wi wi wph wps wi wph wch wi wi a2i.1 wph wps wch ax-2 ax-mp
      $.
  $}

  ${
    mpd.1 $e |- ( ph -> ps ) $.
    mpd.2 $e |- ( ph -> ( ps -> ch ) ) $.
    $( A modus ponens deduction: modus ponens carried out under the common
       antecedent ` ph ` . $)
    mpd $p |- ( ph -> ch ) $=
      ( wi a2i ax-mp ) ABFACFDABCEGH $.
  $}

  ${
    syl.1 $e |- ( ph -> ps ) $.
    syl.2 $e |- ( ps -> ch ) $.
    $( The syllogism rule: chain two implications.  Also known as hypothetical
       syllogism. $)
    syl $p |- ( ph -> ch ) $=
      ( wi a1i mpd ) ABCDBCFAEGH $.
  $}

  ${
    mpi.1 $e |- ps $.
    mpi.2 $e |- ( ph -> ( ps -> ch ) ) $.
    $( A nested modus ponens inference: discharge the second antecedent with a
       proven statement. $)
    mpi $p |- ( ph -> ch ) $=
      ( a1i mpd ) ABCBADFEG $.
  $}

  ${
    mp2.1 $e |- ph $.
    mp2.2 $e |- ps $.
    mp2.3 $e |- ( ph -> ( ps -> ch ) ) $.
    $( A double modus ponens inference: discharge both antecedents of a nested
       implication. $)
    mp2 $p |- ch $=
      ( wi ax-mp ) BCEABCGDFHH $.
  $}

  $( Principle of identity: every wff implies itself. $)
  id $p |- ( ph -> ph ) $=
    wph wph wph wi wph wph wph ax-1 wph wph wph wi ax-1 mpd $.

  ${
    a1d.1 $e |- ( ph -> ps ) $.
    $( Deduction introducing an embedded antecedent: deduction form of
       ~ ax-1 . $)
    a1d $p |- ( ph -> ( ch -> ps ) ) $=
      ( wi ax-1 syl ) ABCBEDBCFG $.
  $}

  ${
    imim2i.1 $e |- ( ph -> ps ) $.
    $( Inference adding a common antecedent to both sides of an implication. $)
    imim2i $p |- ( ( ch -> ph ) -> ( ch -> ps ) ) $=
      ( wi a1i a2i ) CABABECDFG $.
  $}

  ${
    com12.1 $e |- ( ph -> ( ps -> ch ) ) $.
    $( Inference that swaps (commutes) the two antecedents of a nested
       implication. $)
    com12 $p |- ( ps -> ( ph -> ch ) ) $=
      ( wi ax-1 a2i syl ) BABEACEBAFABCDGH $.
  $}

  $( Assertion (closed form of modus ponens): ` ph ` implies that
     ` ( ph -> ps ) ` implies ` ps ` .  Theorem *2.27 of Principia
     Mathematica. $)
  pm2.27 $p |- ( ph -> ( ( ph -> ps ) -> ps ) ) $=
    ( wi id com12 ) ABCZABFDE $.

  ${
    imim1i.1 $e |- ( ph -> ps ) $.
    $( Inference adding a common consequent to both sides of an implication,
       reversing its direction. $)
    imim1i $p |- ( ( ps -> ch ) -> ( ph -> ch ) ) $=
      ( wi pm2.27 syl com12 ) ABCEZCABICEDBCFGH $.
  $}

  ${
    syl5.1 $e |- ( ph -> ps ) $.
    syl5.2 $e |- ( ch -> ( ps -> th ) ) $.
    $( A syllogism rule of inference: replace the second antecedent of a nested
       implication by a stronger one. $)
    syl5 $p |- ( ch -> ( ph -> th ) ) $=
      ( wi imim1i syl ) CBDGADGFABDEHI $.
  $}

  ${
    syl6.1 $e |- ( ph -> ( ps -> ch ) ) $.
    syl6.2 $e |- ( ch -> th ) $.
    $( A syllogism rule of inference: replace the consequent of a nested
       implication by a weaker one. $)
    syl6 $p |- ( ph -> ( ps -> th ) ) $=
      ( wi imim2i syl ) ABCGBDGECDBFHI $.
  $}

  $( A closed form of syllogism: an implication can be prefixed with a common
     antecedent.  Theorem *2.05 of Principia Mathematica. $)
  imim2 $p |- ( ( ph -> ps ) -> ( ( ch -> ph ) -> ( ch -> ps ) ) ) $=
    ( wi ax-1 ax-2 syl ) ABDZCHDCADCBDDHCECABFG $.

  $( A closed form of syllogism: an implication can be suffixed with a common
     consequent.  Theorem *2.06 of Principia Mathematica. $)
  imim1 $p |- ( ( ph -> ps ) -> ( ( ps -> ch ) -> ( ph -> ch ) ) ) $=
    ( wi imim2 com12 ) BCDABDACDBCAEF $.

  $( Swap antecedents (closed form of ~ com12 ).  Theorem *2.04 of Principia
     Mathematica. $)
  pm2.04 $p |- ( ( ph -> ( ps -> ch ) ) -> ( ps -> ( ph -> ch ) ) ) $=
    ( wi ax-1 ax-2 syl5 ) BABDABCDDACDBAEABCFG $.

  ${
    com23.1 $e |- ( ph -> ( ps -> ( ch -> th ) ) ) $.
    $( Inference that swaps the second and third antecedents of a nested
       implication. $)
    com23 $p |- ( ph -> ( ch -> ( ps -> th ) ) ) $=
      ( wi pm2.04 syl ) ABCDFFCBDFFEBCDGH $.
  $}

  ${
    pm2.43i.1 $e |- ( ph -> ( ph -> ps ) ) $.
    $( Inference absorbing a duplicated antecedent.  Inference form of Theorem
       *2.43 of Principia Mathematica. $)
    pm2.43i $p |- ( ph -> ps ) $=
      ( id mpd ) AABADCE $.
  $}

  ${
    syld.1 $e |- ( ph -> ( ps -> ch ) ) $.
    syld.2 $e |- ( ph -> ( ch -> th ) ) $.
    $( Syllogism deduction: chain two implications under a common
       antecedent. $)
    syld $p |- ( ph -> ( ps -> th ) ) $=
      ( wi imim2 syl mpd ) ABCGZBDGZEACDGKLGFCDBHIJ $.
  $}

$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Propositional calculus: theorems about negation
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  $( From a wff and its negation, anything follows: a false statement implies
     every statement.  Theorem *2.21 of Principia Mathematica. $)
  pm2.21 $p |- ( -. ph -> ( ph -> ps ) ) $=
    ( wn wi ax-1 ax-3 syl ) ACZBCZHDABDHIEBAFG $.

  ${
    pm2.21i.1 $e |- -. ph $.
    $( A contradiction implies anything: inference form of ~ pm2.21 . $)
    pm2.21i $p |- ( ph -> ps ) $=
      ( wn wi pm2.21 ax-mp ) ADABECABFG $.
  $}

  $( A wff and its negation together imply anything.  Theorem *2.24 of
     Principia Mathematica. $)
  pm2.24 $p |- ( ph -> ( -. ph -> ps ) ) $=
    ( wn pm2.21 com12 ) ACABABDE $.

  $( Double negation elimination: ` -. -. ph ` implies ` ph ` .  Theorem *2.14
     of Principia Mathematica. $)
  notnotr $p |- ( -. -. ph -> ph ) $=
    ( wn wi pm2.21 ax-3 syl pm2.43i ) ABZBZAIHIBZCIACHJDAIEFG $.

  $( Double negation introduction: ` ph ` implies ` -. -. ph ` .  Theorem *2.12
     of Principia Mathematica. $)
  notnot $p |- ( ph -> -. -. ph ) $=
    ( wn wi notnotr ax-3 ax-mp ) ABZBZBGCAHCGDHAEF $.

  ${
    con4i.1 $e |- ( -. ph -> -. ps ) $.
    $( Inference form of the contraposition axiom ~ ax-3 . $)
    con4i $p |- ( ps -> ph ) $=
      ( wn wi ax-3 ax-mp ) ADBDEBAECABFG $.
  $}

  ${
    con4d.1 $e |- ( ph -> ( -. ps -> -. ch ) ) $.
    $( Deduction form of the contraposition axiom ~ ax-3 . $)
    con4d $p |- ( ph -> ( ch -> ps ) ) $=
      ( wn wi ax-3 syl ) ABECEFCBFDBCGH $.
  $}

  $( Contraposition: if ` ph ` implies ` ps ` , then ` -. ps ` implies
     ` -. ph ` .  Theorem *2.16 of Principia Mathematica. $)
  con3 $p |- ( ( ph -> ps ) -> ( -. ps -> -. ph ) ) $=
    ( wi wn notnot imim2i notnotr imim1i syl ax-3 ) ABCZADZDZBDZDZCZNLCKAOCPBOA
    BEFMAOAGHILNJI $.

  ${
    con3i.1 $e |- ( ph -> ps ) $.
    $( A contraposition inference: inference form of ~ con3 . $)
    con3i $p |- ( -. ps -> -. ph ) $=
      ( wi wn con3 ax-mp ) ABDBEAEDCABFG $.
  $}

  ${
    con1i.1 $e |- ( -. ph -> ps ) $.
    $( A contraposition inference for a negated antecedent. $)
    con1i $p |- ( -. ps -> ph ) $=
      ( wn notnot syl con4i ) ABDZADBHDCBEFG $.
  $}

  ${
    con2i.1 $e |- ( ph -> -. ps ) $.
    $( A contraposition inference for a negated consequent. $)
    con2i $p |- ( ps -> -. ph ) $=
      ( wn notnotr syl con4i ) ADZBHDABDAECFG $.
  $}

  ${
    mto.1 $e |- -. ps $.
    mto.2 $e |- ( ph -> ps ) $.
    $( The rule of modus tollens: from ` -. ps ` and ` ( ph -> ps ) ` infer
       ` -. ph ` . $)
    mto $p |- -. ph $=
      ( wn con3i ax-mp ) BEAECABDFG $.
  $}

  $( Clavius law: if a statement follows from its own negation, it is true.
     Theorem *2.18 of Principia Mathematica. $)
  pm2.18 $p |- ( ( -. ph -> ph ) -> ph ) $=
    ( wn wi pm2.21 a2i ax-3 syl pm2.43i ) ABZACZAJIJBZCJACIAKAKDEAJFGH $.

$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Predicate calculus with equality: symbols and syntax
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  $( Declare the constant symbols of the predicate calculus fragment: the
     universal quantifier, equality, and the typecode ` setvar ` of
     individual variables. $)
  $c A. = setvar $.

  $( Declare three individual (set) variables. $)
  $v x y z $.

  $( Let ` x ` be an individual variable. $)
  vx $f setvar x $.
  $( Let ` y ` be an individual variable. $)
  vy $f setvar y $.
  $( Let ` z ` be an individual variable. $)
  vz $f setvar z $.

  $( Declare ` setvar ` as a syntax typecode as well. $)
  $( $j
    syntax 'setvar';
  $)

  $( If ` ph ` is a wff and ` x ` an individual variable, ` A. x ph ` ("for
     all ` x ` , ` ph ` ") is a wff. $)
  wal $a wff A. x ph $.

  $( If ` x ` and ` y ` are individual variables, ` x = y ` is a wff. $)
  weq $a wff x = y $.

$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Predicate calculus with equality: axioms
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  ${
    ax-gen.1 $e |- ph $.
    $( Rule of generalization: from ` ph ` infer ` A. x ph ` . $)
    ax-gen $a |- A. x ph $.
  $}

  $( Axiom of quantified implication: the universal quantifier distributes over
     implication. $)
  ax-4 $a |- ( A. x ( ph -> ps ) -> ( A. x ph -> A. x ps ) ) $.

  ${
    $d x ph $.
    $( Axiom of distinctness: a wff in which ` x ` does not occur implies its
       own generalization.  The distinct variable condition on ` x ` and ` ph `
       expresses that ` x ` does not occur in ` ph ` . $)
    ax-5 $a |- ( ph -> A. x ph ) $.
  $}

  $( Axiom of existence: for every ` y ` , it is not the case that every ` x `
     differs from ` y ` ; that is, some ` x ` is equal to ` y ` . $)
  ax-6 $a |- -. A. x -. x = y $.

  $( Axiom of equality: two individuals equal to the same individual are equal
     to each other. $)
  ax-7 $a |- ( x = y -> ( x = z -> y = z ) ) $.

$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Predicate calculus with equality: theorems
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  ${
    alimi.1 $e |- ( ph -> ps ) $.
    $( Inference quantifying both sides of an implication. $)
    alimi $p |- ( A. x ph -> A. x ps ) $=
      ( wi wal ax-gen ax-4 ax-mp ) ABEZCFACFBCFEJCDGABCHI $.
  $}

  ${
    $d x ph $.
    alrimiv.1 $e |- ( ph -> ps ) $.
    $( Inference generalizing the consequent of an implication, provided ` x `
       does not occur in the antecedent. $)
    alrimiv $p |- ( ph -> A. x ps ) $=
      ( wal ax-5 alimi syl ) AACEBCEACFABCDGH $.
  $}

  ${
    $d x ph $.
    alimdv.1 $e |- ( ph -> ( ps -> ch ) ) $.
    $( Deduction quantifying both sides of an implication, provided ` x ` does
       not occur in the antecedent ` ph ` . $)
    alimdv $p |- ( ph -> ( A. x ps -> A. x ch ) ) $=
      ( wi wal alrimiv ax-4 syl ) ABCFZDGBDGCDGFAKDEHBCDIJ $.
  $}

  ${
    $d x ph $.
    $( A quantifier can be moved inside an implication past an antecedent in
       which the quantified variable does not occur. $)
    stdpc5v $p |- ( A. x ( ph -> ps ) -> ( ph -> A. x ps ) ) $=
      ( wal wi ax-5 ax-4 syl5 ) AACDABECDBCDACFABCGH $.
  $}

  ${
    $d x y $.
    $( Identity law for equality: every individual is equal to itself.  The
       proof uses the dummy variable ` y ` , which must be distinct from
       ` x ` . $)
    equid $p |- x = x $=
      ( vy weq wn wal ax-6 ax-5 ax-7 pm2.43i con3i alimi syl con1i ax-mp ) BACZ
      DZBEZDAACZBAFRQRDZSBEQSBGSPBORORBAAHIJKLMN $.
  $}

  $( Equality is symmetric (one direction). $)
  equcomi $p |- ( x = y -> y = x ) $=
    vx vy weq vx vx weq vy vx weq vx equid vx vy vx ax-7 mpi $.

  $( Equality is transitive. $)
  equtr $p |- ( x = y -> ( y = z -> x = z ) ) $=
    ( weq wi equcomi ax-7 syl ) ABDBADBCDACDEABFBACGH $.

$(
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
  Typesetting definitions
=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=
$)

  $( The typesetting comment below gives, for every math symbol, its
     rendering in LaTeX (latexdef) and in HTML (htmldef and althtmldef),
     using the same conventions as the typesetting comment of set.mm. $)

$( $t

/* Page settings for HTML output */
htmltitle "Hilbert-style logic (proofgen hilbert.mm)";
htmldir "./";
althtmldir "./";
htmlvarcolor '<SPAN STYLE="color:blue">wff</SPAN> '
    + '<SPAN STYLE="color:red">setvar</SPAN>';

/* Propositional calculus */
htmldef "(" as "( ";
  althtmldef "(" as "( ";
  latexdef "(" as "(";
htmldef ")" as " )";
  althtmldef ")" as " )";
  latexdef ")" as ")";
htmldef "->" as " &rarr; ";
  althtmldef "->" as " &rarr; ";
  latexdef "->" as "\rightarrow";
htmldef "-." as "&not; ";
  althtmldef "-." as "&not; ";
  latexdef "-." as "\lnot";
htmldef "wff" as '<SPAN STYLE="color:gray">wff </SPAN>';
  althtmldef "wff" as '<SPAN STYLE="color:gray">wff </SPAN>';
  latexdef "wff" as "{\rm wff}";
htmldef "|-" as '<SPAN STYLE="color:gray">&#8866; </SPAN>';
  althtmldef "|-" as '<SPAN STYLE="color:gray">&#8866; </SPAN>';
  latexdef "|-" as "\vdash";
htmldef "ph" as '<SPAN STYLE="color:blue">&phi;</SPAN>';
  althtmldef "ph" as '<SPAN STYLE="color:blue">&phi;</SPAN>';
  latexdef "ph" as "\varphi";
htmldef "ps" as '<SPAN STYLE="color:blue">&psi;</SPAN>';
  althtmldef "ps" as '<SPAN STYLE="color:blue">&psi;</SPAN>';
  latexdef "ps" as "\psi";
htmldef "ch" as '<SPAN STYLE="color:blue">&chi;</SPAN>';
  althtmldef "ch" as '<SPAN STYLE="color:blue">&chi;</SPAN>';
  latexdef "ch" as "\chi";
htmldef "th" as '<SPAN STYLE="color:blue">&theta;</SPAN>';
  althtmldef "th" as '<SPAN STYLE="color:blue">&theta;</SPAN>';
  latexdef "th" as "\theta";
htmldef "ta" as '<SPAN STYLE="color:blue">&tau;</SPAN>';
  althtmldef "ta" as '<SPAN STYLE="color:blue">&tau;</SPAN>';
  latexdef "ta" as "\tau";
htmldef "et" as '<SPAN STYLE="color:blue">&eta;</SPAN>';
  althtmldef "et" as '<SPAN STYLE="color:blue">&eta;</SPAN>';
  latexdef "et" as "\eta";
htmldef "ze" as '<SPAN STYLE="color:blue">&zeta;</SPAN>';
  althtmldef "ze" as '<SPAN STYLE="color:blue">&zeta;</SPAN>';
  latexdef "ze" as "\zeta";
htmldef "si" as '<SPAN STYLE="color:blue">&sigma;</SPAN>';
  althtmldef "si" as '<SPAN STYLE="color:blue">&sigma;</SPAN>';
  latexdef "si" as "\sigma";
htmldef "rh" as '<SPAN STYLE="color:blue">&rho;</SPAN>';
  althtmldef "rh" as '<SPAN STYLE="color:blue">&rho;</SPAN>';
  latexdef "rh" as "\rho";
htmldef "mu" as '<SPAN STYLE="color:blue">&mu;</SPAN>';
  althtmldef "mu" as '<SPAN STYLE="color:blue">&mu;</SPAN>';
  latexdef "mu" as "\mu";
htmldef "la" as '<SPAN STYLE="color:blue">&lambda;</SPAN>';
  althtmldef "la" as '<SPAN STYLE="color:blue">&lambda;</SPAN>';
  latexdef "la" as "\lambda";
htmldef "ka" as '<SPAN STYLE="color:blue">&kappa;</SPAN>';
  althtmldef "ka" as '<SPAN STYLE="color:blue">&kappa;</SPAN>';
  latexdef "ka" as "\kappa";

/* Predicate calculus */
htmldef "A." as "&forall;";
  althtmldef "A." as "&forall;";
  latexdef "A." as "\forall";
htmldef "=" as " = ";
  althtmldef "=" as " = ";
  latexdef "=" as "=";
htmldef "setvar" as '<SPAN STYLE="color:gray">setvar </SPAN>';
  althtmldef "setvar" as '<SPAN STYLE="color:gray">setvar </SPAN>';
  latexdef "setvar" as "{\rm setvar}";
htmldef "x" as '<SPAN STYLE="color:red">x</SPAN>';
  althtmldef "x" as '<SPAN STYLE="color:red">x</SPAN>';
  latexdef "x" as "x";
htmldef "y" as '<SPAN STYLE="color:red">y</SPAN>';
  althtmldef "y" as '<SPAN STYLE="color:red">y</SPAN>';
  latexdef "y" as "y";
htmldef "z" as '<SPAN STYLE="color:red">z</SPAN>';
  althtmldef "z" as '<SPAN STYLE="color:red">z</SPAN>';
  latexdef "z" as "z";

/* End of typesetting definitions */
$)
