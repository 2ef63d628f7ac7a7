"""Orders to the judge: text that tells the judge to drop its instructions or what to decide.

A pattern runs only on a speech that has the literal text it needs (judges/rules/patterns.py
reads it from the pattern). Debaters are told to write in the motion's language, but an
attacker can write an order in any language the judge reads, so the commonest ones are here.
"""

from __future__ import annotations

from judges.rules.patterns import PatternGroup, group

# Who a speaker asks points for: itself. Scores may be asked against the other side too
# ("score it zero"), but "teachers give them marks" is not an order, so awards need `_SELF`.
_SELF = r"(?:us|me|this\s+side|our\s+side|my\s+side|this\s+speech|the\s+proposition|the\s+opposition|proposition|opposition)"
_ANYONE = (
    r"(?:us|me|it|them|this\s+side|our\s+side|my\s+side|this\s+speech|that\s+side|the\s+other\s+side|the\s+opponents?"
    r"|(?:the\s+)?(?:proposition|opposition)(?:['’]s\s+(?:speech|case|team))?)"
)
_EXTREME = r"(?:full|top|highest|maximum|max|perfect|best|lowest|minimum|min|worst)"
_PRIZE = (
    r"(?:the\s+|a\s+|an\s+)?(?:win|victory|ballot|debate|round|points|marks"
    rf"|{_EXTREME}\s+(?:\w+\s+)?(?:scores?|marks|points|ratings?)|score\s+of|zero|nil"
    r"|\d+\s*(?:/\s*\d+|points?|marks?|out\s+of\s+\d+))\b"
)
_SCORE_VALUE = rf"(?:a\s+|an\s+)?(?:\d|zero|nil|one|five|ten|{_EXTREME})\b"
# "would give the opposition the win" describes an outcome; "give us the win" asks for one.
# The lookahead first, so the six lookbehinds run only where a verb starts, not at every word.
_NOT_MODAL = r"\b(?=award|giv|grant|assign|declare)(?<!would\s)(?<!could\s)(?<!might\s)(?<!will\s)(?<!does\s)(?<!did\s)"
_GIVE = r"(?:award(?:ing)?|giv(?:e|ing)|grant(?:ing)?|assign(?:ing)?)"
_JUDGE = r"(?:judges?|adjudicators?|evaluators?|graders?)"

ENGLISH: PatternGroup = group(
    (r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:(?:previous|prior|above|earlier|preceding|foregoing|original|system|judging)\s+)+(?:instructions?|prompts?|rules|guidelines|directions|directives|messages?)",
     "major", "tells the judge to ignore its instructions"),
    (r"\b(?:ignore|disregard|forget)\s+(?:all\s+)?your\s+(?:instructions|prompt|rules|guidelines|rubric)", "major", "tells the judge to ignore its instructions"),
    (r"\bnew\s+(?:instructions?|task)\s*:", "major", "gives the judge new instructions"),
    # Re-casting the judge ("You are now FairJudgeGPT, ...") is the classic jailbreak opener.
    (r"\byou\s+are\s+now\s+(?:an?\s+|the\s+)?(?:[\w-]*(?:GPT|bot)\b|(?:\w+\s+)?(?:judge|adjudicator|evaluator|grader|assistant|model|mode)\b)"
     r"|\b(?:from\s+now\s+on|henceforth)\s*,?\s*you\s+(?:are|will|must|shall)\b",
     "major", "tells the judge it is someone else"),
    (rf"\b(?:as|you\s+are)\s+(?:the|an?|our)\s+(?:AI\s+)?{_JUDGE}\s*,?\s*you\s+(?:must|have\s+to|are\s+(?:required|instructed|obliged)\s+to|(?:should|will|need\s+to)\s+(?:award|give|declare|vote|score|rate|choose|pick|select|grant))",
     "major", "tells the judge what it must do"),
    # Only when the judge is addressed ("Judge, you must ..."), not "a judge must give reasons".
    (rf"\b{_JUDGE}(?:\s*[,:]\s*(?:you\s+)?|\s+you\s+)(?:must|have\s+to|are\s+(?:required|instructed)\s+to)\s+(?:award|give|declare|vote|score|rate|choose|pick|select|find\s+for)",
     "major", "tells the judge what it must do"),
    (rf"{_NOT_MODAL}\b{_GIVE}\s+{_SELF}\s+{_PRIZE}", "major", "asks the judge to award it the debate or points"),
    (rf"{_NOT_MODAL}\b{_GIVE}\s+(?:the\s+)?(?:win|victory|ballot|debate|round)\s+to\s+{_SELF}\b", "major", "asks the judge to award it the debate"),
    (rf"{_NOT_MODAL}\bdeclare\s+{_SELF}\s+(?:as\s+)?(?:the\s+)?(?:winners?|victors?|victorious|winning\s+side)\b", "major", "asks the judge to declare a winner"),
    (rf"\b(?:score|rate|grade|mark)\s+{_ANYONE}\s+(?:as\s+)?{_SCORE_VALUE}", "major", "tells the judge what score to give"),
)

# The same orders in French, Spanish and German: a judge reads them as well as English.
# Each needs an article or a judging word after the verb, so a bare English "ignore" never fires.
EUROPEAN: PatternGroup = group(
    # French
    (r"\b(?:ignore[zr]?|oublie[zr]?|négligez)\s+(?:toutes\s+|tous\s+)?(?:les|vos|ces|mes)\s+(?:\w+\s+)?(?:instructions|consignes|directives|règles)\b",
     "major", "tells the judge to ignore its instructions (in French)"),
    (r"\b(?:déclare[zr]?|proclame[zr]?)\s+(?:l['’]|la\s+|le\s+|notre\s+)?(?:opposition|proposition|gouvernement|équipe|nous)\s+(?:comme\s+)?(?:gagnante?|vainqueur|victorieuse?)",
     "major", "asks the judge to declare a winner (in French)"),
    (r"\b(?:attribue[zr]?|accorde[zr]?|donne[zr]?)\s+(?:la\s+victoire|la\s+note\s+(?:maximale|la\s+plus\s+haute)|la\s+meilleure\s+note|tous\s+les\s+points|zéro)",
     "major", "asks the judge to award it the debate or points (in French)"),
    # Spanish
    (r"\b(?:ignora|ignore|ignoren|olvida|olvide|olviden)\s+(?:todas\s+)?(?:las|tus|sus)\s+(?:\w+\s+)?(?:instrucciones|indicaciones|reglas|órdenes)\b",
     "major", "tells the judge to ignore its instructions (in Spanish)"),
    (r"\bdeclar[ae]\w*\s+(?:a\s+)?(?:la\s+|el\s+|nuestro\s+)?(?:oposición|proposición|gobierno|equipo)\s+(?:como\s+)?(?:ganador|ganadora|vencedor|vencedora)",
     "major", "asks the judge to declare a winner (in Spanish)"),
    (r"\b(?:otorga|otorgue|da|dé|concede|conceda)\s+(?:la\s+victoria|la\s+(?:máxima\s+puntuación|puntuación\s+máxima)|todos\s+los\s+puntos|cero)",
     "major", "asks the judge to award it the debate or points (in Spanish)"),
    # German
    (r"\b(?:ignoriere|ignorieren\s+Sie|ignoriert|vergiss|vergessen\s+Sie)\s+(?:alle\s+)?(?:\w+\s+)?(?:Anweisungen|Instruktionen|Regeln|Vorgaben|Befehle)\b",
     "major", "tells the judge to ignore its instructions (in German)"),
    (r"\b(?:erkläre|erklären\s+Sie|erklärt)\s+(?:die\s+|den\s+|unser\s+)?(?:Opposition|Proposition|Regierung|Team|uns)\s+zum\s+(?:Sieger|Gewinner)",
     "major", "asks the judge to declare a winner (in German)"),
    (r"\b(?:gib|geben\s+Sie)\s+(?:uns|der\s+(?:Opposition|Proposition))\s+(?:den\s+Sieg|die\s+(?:Höchstpunktzahl|volle\s+Punktzahl)|null\s+Punkte)",
     "major", "asks the judge to award it the debate or points (in German)"),
)

CHINESE: PatternGroup = group(
    (r"(?:忽略|无视|忘记|忘掉)(?:之前|以上|前面|先前|上述|所有|全部|你的)的?(?:所有|全部)?(?:指令|指示|说明|提示|规则|要求)", "major", "tells the judge to ignore its instructions"),
    (r"(?:评委|裁判|评审)(?:们)?[，,：:]?\s*(?:你|您)?(?:们)?(?:必须|务必|一定要|只能)\s*(?:判|宣布|给|投|打|评|选)", "major", "tells the judge what it must do"),
    (r"作为(?:评委|裁判|评审)[，,]?\s*你(?:们)?(?:必须|应当|应该|需要)", "major", "tells the judge what it must do"),
    (r"(?:判|判定|宣布|宣判)(?:我方|本方|正方|反方)(?:为|是)?(?:获胜|胜利|胜出|赢|胜方|赢家)", "major", "asks the judge to declare a winner"),
    (r"给(?:我方|本方|正方|反方|我们|对方)(?:打|评)?(?:满分|最高分|最低分|零分|[0-9０-９零一二三四五六七八九十]+分)", "major", "tells the judge what score to give"),
)
