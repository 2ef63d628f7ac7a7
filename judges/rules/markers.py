"""Text that pretends to be something other than a speech: a system message, the end of the
transcript, the judge's own ballot, the judge or moderator speaking, or the rule checks.

None of these belongs in a debate speech, so most patterns need only the marker itself; those
built from ordinary words ("end of the debate", "moderator") also need the shape of a label
(a line of its own, capitals, brackets) so that a sentence using the words passes.
"""

from __future__ import annotations

from judges.rules.patterns import PatternGroup, group

_SIDE = r"(?:the\s+)?(?:proposition|opposition|government|other\s+side|opponents?|other\s+team)"

# Fake system, closing and chat-template markers: the judge's prompt is one long text, and a
# speech that closes its part of it can write what looks like the prompt's own next part.
SYSTEM_MARKERS: PatternGroup = group(
    (r"\byour\s+system\s+(?:prompt|message|instructions?)\b|^\s*[\[(<]?\s*(?:system|developer)\s*(?:prompt|message)?\s*[\])>]?\s*:",
     "major", "poses as a system or developer message"),
    (r"\bsystem\s+override\b|[\[(<{]\s*(?:system|admin|administrator|developer|operator)"
     r"(?:\s+(?:override|message|prompt|note|notice|update|instructions?|alert))?\s*[:\])>}]",
     "major", "poses as a system or developer message"),
    # Prompt-format headings ("### Instruction:", "### Response:") start a new turn in
    # instruction-tuned models' training data.
    (r"^\s*#{1,6}\s*(?:instructions?|system|response|input|task|assistant|user|human)\b\s*:?", "major", "writes a prompt-format heading"),
    (r"<<\s*/|<<\s*[A-Z][A-Z0-9]*-[0-9A-Za-z]{3,}\s*>>|<<\s*SPEECH", "major", "writes a fake speech fence marker"),
    (r"(?-i:\bEND\s+OF\s+(?:THE\s+)?(?:TRANSCRIPT|DEBATE|SPEECH(?:ES)?|INPUT|DOCUMENT|CONVERSATION|PROMPT)\b)"
     r"|^\s*[=\-*#\[<(]+\s*end\s+of\s+(?:the\s+)?(?:transcript|debate|speech(?:es)?|input|document|conversation|prompt)\b",
     "major", "writes a fake end-of-transcript marker"),
    (r"</\s*(?:speech|transcript|debate|debater|system|instructions?|user|assistant|judge|input)\s*>", "major", "writes a fake closing tag"),
    # Hidden from anyone reading the rendered speech, seen only by the model.
    (r"<!--", "major", "hides text in an HTML comment"),
    # The judge prompt's own wording: a speech quoting it is writing a fake part of the prompt.
    (r"\bautomatic\s+rule\s+checks?\b|\beach\s+speech\s+is\s+fenced\b|\breply\s+with\s+only\s+(?:this|the)\s+JSON\b",
     "major", "imitates the judge's prompt or the rule checks"),
    (r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>|\[/?INST\]|<(?:start|end)_of_turn>",
     "minor", "contains chat-template control tokens"),
    (r"你的系统提示|^\s*[【\[]?系统[】\]]?\s*[:：]", "major", "poses as a system message"),
)

# The judge's ballot, written in advance: its JSON keys, its neutral labels (debaters never
# see "Debater A"), the default rubric's ids, or a results line.
FAKE_BALLOTS: PatternGroup = group(
    (r"\{[^{}]{0,200}?[\"'](?:winner|verdict|both_poor)[\"']\s*:|[\"'](?:winner|verdict|both_poor|debater_a|debater_b|scores)[\"']\s*:",
     "major", "writes a JSON verdict for the judge"),
    (r"(?-i:\bDebater\s+[AB]\b)", "major", "uses the judge's neutral labels"),
    (r"\b(?:argument_sufficiency|rule_compliance|both_poor)\b", "major", "names the judge's rubric fields"),
    (rf"\b(?:final\s+|official\s+)?(?:scores?|marks|verdict|decision|result|ruling)\s*[:：]\s*{_SIDE}\b[^.\n]{{0,20}}?(?:\d|\bwins?\b|\bwon\b)",
     "major", "writes a fake result"),
)

# Speaking as the judge or moderator, or asking for the other side to be thrown out.
ROLE_PLAY: PatternGroup = group(
    (r"\b(?:as|speaking\s+as|in\s+my\s+role\s+as)\s+(?:the|your|an?|this)\s+(?:\w+\s+)?(?:adjudicator|judge|evaluator|grader|moderator|referee)s?\b"
     r"(?:\s+(?:of|for|in)\s+(?:this|the)\s+(?:round|debate|contest|tournament))?\s*,\s*(?:I|we)\b",
     "major", "speaks as the judge or moderator"),
    (rf"\bI\s+(?:hereby\s+)?(?:find|rule|decide)\s+(?:in\s+favou?r\s+of|for)\s+{_SIDE}|\bI\s+(?:hereby\s+)?award\s+(?:the\s+)?(?:debate|round|win|ballot)\b",
     "major", "speaks as the judge or moderator"),
    # A label line: "Judge's decision:", "MODERATOR:". A bare "Judge:" may be an address, so
    # only the roles no debater addresses, or one written in capitals, count alone.
    (r"^\s*[*_#>\[(]*\s*(?:(?:moderator|adjudicator|judge|referee|evaluator|chair)['’]s\s+(?:note|decision|ruling|verdict|announcement|comment)"
     r"|moderator|adjudicator|referee|organi[sz]er|(?-i:JUDGE|CHAIR))\s*[\])*_]*\s*[:：]",
     "major", "speaks as the judge or moderator"),
    (rf"\b{_SIDE}\b[^.!?\n]{{0,60}}?\b(?:has|have|is|are|was|were|must|should|ought\s+to)\s+(?:be\s+|been\s+)?disqualified"
     rf"|\bdisqualify\s+{_SIDE}\b",
     "major", "asks for the other side to be disqualified"),
    (r"^\s*[\[(]?\s*(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:AI\s+)?(?:judges?|evaluators?|graders?|adjudicators?)\b",
     "minor", "addresses a note to the judge"),
)
