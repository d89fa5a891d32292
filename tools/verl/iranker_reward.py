"""IRanker's elimination-step reward for verl (custom_reward_function), computed exactly as the library computes it.

The library (IRanker.Model.Training.Rewards) scores one answer to one elimination step as

    R = exclusion + format + tags

* exclusion (ExclusionReward): -1 without a complete <answer>...</answer> block; -0.5 when the content of the last
  block (trimmed) names no remaining candidate (exact ID first, then ignoring case and runs of white space); else the
  graded credit of the eliminated candidate: 1 when its label is the smallest of the pool (or all labels are equal),
  otherwise 1 - (l - lmin) / (lmax - lmin), so 0 for eliminating a best candidate.
* format (FormatReward): 0 when the assistant's text is exactly <think>...</think><answer>...</answer> (Reasoning) or
  <answer>...</answer> (Answer), white space allowed around the tags, each tag once; else -1.
* tags (TagCountReward): -0.25 for each required tag whose count is not exactly one.

The assistant's text is the tag that the step prompt opened (<think> in Reasoning mode, <answer> in Answer mode)
followed by what the model wrote (verl's solution_str): the prompt is never scored.

"White space" is .NET's: U+0009-U+000D, U+0085 and the Unicode separators (Zs, Zl, Zp), which is what both .NET's
regular-expression \\s and String.Trim use; Python's own str.isspace() differs (it also takes U+001C-U+001F), so it
is not used. "Ignoring case" is .NET's ordinal ignore-case comparison: each character's simple uppercase mapping.

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


def normalize(text):
    """Runs of white space collapsed to one space, then trimmed."""
    return trim(_WS_RUN.sub(" ", text))


def _simple_upper(c):
    upper = c.upper()
    if len(upper) == 1:
        return upper
    title = c.title()   # e.g. U+1F80: full uppercase is two characters, the simple mapping (= titlecase) one
    return title if len(title) == 1 else c


def equals_ignore_case(a, b):
    return len(a) == len(b) and all(x == y or _simple_upper(x) == _simple_upper(y) for x, y in zip(a, b))


def last_answer(text):
    """The content of the last complete <answer>...</answer> block, trimmed; None if there is none."""
    close = text.rfind(ANSWER_CLOSE)
    while close >= 0:
        opening = text.rfind(ANSWER_OPEN, 0, close)
        if opening >= 0:
            return trim(text[opening + len(ANSWER_OPEN):close])
        close = text.rfind(ANSWER_CLOSE, 0, close) if close > 0 else -1
    return None


def is_well_formed(text, mode):
    if any(text.count(tag) != 1 for tag in required_tags(mode)):
        return False
    shape = _REASONING_SHAPE if mode == "Reasoning" else _ANSWER_SHAPE
    return shape.match(text) is not None


def find_candidate(ids, answer):
    """The index of the candidate that the answer names, or None."""
    for i, candidate in enumerate(ids):
        if candidate == answer:
            return i
    normalized = normalize(answer)
    for i, candidate in enumerate(ids):
        if equals_ignore_case(normalize(candidate), normalized):
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
