"""IRanker's elimination-step reward for verl (custom_reward_function), computed exactly as the library computes it.

The library (IRanker.Model.Training.Rewards) scores one answer to one elimination step as

    R = exclusion + format + tags

* exclusion (ExclusionReward, which reads the answer as ranking's AnswerParser does): -1 without a complete
  <answer>...</answer> block (tags in any ASCII case; the innermost block when the tag was opened twice); -0.5 when the
  content of the last block (trimmed) names no remaining candidate by the parser's strict rules (the trimmed ID
  exactly, then equal after collapsing white space, removing quotes, brackets, asterisks and punctuation around it, and
  lower-casing); else the graded credit of the eliminated candidate: 1 when its label is the smallest of the pool (or
  all labels are equal), otherwise 1 - (l - lmin) / (lmax - lmin), so 0 for eliminating a best candidate.
* format (FormatReward): 0 when the assistant's text is exactly <think>...</think><answer>...</answer> (Reasoning) or
  <answer>...</answer> (Answer), white space allowed around the tags, each tag once; else -1.
* tags (TagCountReward): -0.25 for each required tag whose count is not exactly one.

The assistant's text is the tag that the step prompt opened (<think> in Reasoning mode, <answer> in Answer mode)
followed by what the model wrote (verl's solution_str): the prompt is never scored.

"White space" is .NET's: U+0009-U+000D, U+0085 and the Unicode separators (Zs, Zl, Zp), which is what both .NET's
regular-expression \\s, String.Split and String.Trim use; Python's own str.isspace() differs (it also takes
U+001C-U+001F), so it is not used. Lower-casing is .NET's invariant one: each character's simple lowercase mapping.

Standard library only. tests/IRanker.Datasets.Tests (VerlRewardParityTests) runs this file against the C# rewards.
"""

import json
import re

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"

NO_ANSWER = -1.0           # ExclusionReward.NoAnswer
UNKNOWN_CANDIDATE = -0.5   # ExclusionReward.UnknownCandidate
MALFORMED = -1.0           # FormatReward.Malformed
PER_TAG = -0.25            # TagCountReward.PerTag

# .NET's white space: the C0 controls U+0009-U+000D, U+0085, and the characters of categories Zs, Zl and Zp.
WHITE_SPACE = (
    "\t\n\v\f\r\x85"
    "\x20\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"  # Zs
    "\u2028"  # Zl
    "\u2029"  # Zp
)
_WS = "[" + re.escape(WHITE_SPACE) + "]"
_WS_RUN = re.compile(_WS + "+")
_REASONING_SHAPE = re.compile("^" + _WS + "*<think>.*</think>" + _WS + "*<answer>.*</answer>" + _WS + "*$", re.DOTALL)
_ANSWER_SHAPE = re.compile("^" + _WS + "*<answer>.*</answer>" + _WS + "*$", re.DOTALL)

MODES = ("Reasoning", "Answer")


def opened_tag(mode):
    """The tag a step prompt of this mode has already opened when the model starts writing."""
    return THINK_OPEN if mode == "Reasoning" else ANSWER_OPEN


def required_tags(mode):
    return (THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE) if mode == "Reasoning" else (ANSWER_OPEN, ANSWER_CLOSE)


def trim(text):
    return text.strip(WHITE_SPACE)


def collapse(text):
    """Runs of white space collapsed to one space, then trimmed."""
    return trim(_WS_RUN.sub(" ", text))


# AnswerParser's characters removed around a normalised answer.
SURROUNDING_NOISE = "\"'`*.,;:!?[](){}<> \u201c\u201d\u2018\u2019"


def _simple_lower(c):
    lower = c.lower()
    if len(lower) == 1:
        return lower
    return "i" if c == "\u0130" else c   # U+0130: the full mapping is two characters, the simple one U+0069


def normalize(text):
    """AnswerParser.Normalize: white space collapsed, noise trimmed from both ends, then white space, lower-cased."""
    return "".join(_simple_lower(c) for c in trim(collapse(text).strip(SURROUNDING_NOISE)))


# AnswerParser's complete answer block: no answer tag opened again inside it; the tags in any (ASCII) case.
_TAG_OPEN = "<[aA][nN][sS][wW][eE][rR]>"
_COMPLETE_ANSWER = re.compile(_TAG_OPEN + "((?:(?!" + _TAG_OPEN + ").)*?)</[aA][nN][sS][wW][eE][rR]>", re.DOTALL)


def last_answer(text):
    """The content of the last complete <answer>...</answer> block, trimmed; None if there is none."""
    blocks = _COMPLETE_ANSWER.findall(text)
    return trim(blocks[-1]) if blocks else None


def is_well_formed(text, mode):
    if any(text.count(tag) != 1 for tag in required_tags(mode)):
        return False
    shape = _REASONING_SHAPE if mode == "Reasoning" else _ANSWER_SHAPE
    return shape.match(text) is not None


def find_candidate(ids, answer):
    """The index of the candidate that the answer names by AnswerParser's strict rules, or None."""
    for i, candidate in enumerate(ids):
        if trim(candidate) == answer:
            return i
    normalized = normalize(answer)
    if not normalized:
        return None
    for i, candidate in enumerate(ids):
        if normalize(candidate) == normalized:
            return i
    return None


def credit(labels, eliminated):
    low, high = min(labels), max(labels)
    label = labels[eliminated]
    if label <= low or high <= low:
        return 1.0
    return 1.0 - (label - low) / (high - low)


def exclusion(text, ids, labels):
    answer = last_answer(text)
    if answer is None:
        return NO_ANSWER
    eliminated = find_candidate(ids, answer)
    if eliminated is None:
        return UNKNOWN_CANDIDATE
    return credit(labels, eliminated)


def format_reward(text, mode):
    return 0.0 if is_well_formed(text, mode) else MALFORMED


def tags_reward(text, mode):
    return PER_TAG * sum(1 for tag in required_tags(mode) if text.count(tag) != 1)


def parse_ground_truth(ground_truth):
    """The step's remaining candidates (IDs in prompt order, labels) and mode, from the export's JSON ground truth."""
    truth = json.loads(ground_truth) if isinstance(ground_truth, (str, bytes)) else ground_truth
    mode = truth["mode"]
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES} (Choice-mode training stays in the library), not {mode!r}")
    ids = [str(i) for i in truth["ids"]]
    labels = [float(label) for label in truth["labels"]]
    if len(ids) < 2 or len(ids) != len(labels):
        raise ValueError(f"a step needs at least two candidates with one label each, not {len(ids)} IDs and {len(labels)} labels")
    return ids, labels, mode


def score_parts(solution_str, ground_truth):
    """Each part of the reward, in the library's order: exclusion, format, tags."""
    ids, labels, mode = parse_ground_truth(ground_truth)
    text = opened_tag(mode) + solution_str
    return {
        "exclusion": exclusion(text, ids, labels),
        "format": format_reward(text, mode),
        "tags": tags_reward(text, mode),
    }


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """verl's custom reward function: the library's total reward of one elimination answer."""
    if not str(data_source).startswith("iranker"):
        raise ValueError(f"this reward scores IRanker elimination steps (data_source 'iranker...'), not {data_source!r}")
    total = 0.0
    for value in score_parts(solution_str, ground_truth).values():
        total += value
    return total


if __name__ == "__main__":
    # Batch mode for checks: reads JSON lines {"data_source", "solution_str", "ground_truth"} on standard input and
    # writes one JSON line {"score", "parts"} per case, with floats written exactly (repr round-trips).
    import sys

    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        parts = score_parts(case["solution_str"], case["ground_truth"])
        score = compute_score(case["data_source"], case["solution_str"], case["ground_truth"], case.get("extra_info"))
        sys.stdout.write(json.dumps({"score": score, "parts": parts}) + "\n")
