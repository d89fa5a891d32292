using IRanker.Model.Elimination;

namespace IRanker.Model.Prompts;

/// <summary>Whether a list fits in one prompt, and if not, why.</summary>
internal enum PromptFitKind
{
    /// <summary>The whole list fits in one forward pass.</summary>
    Fits,
    /// <summary>Every candidate fits alone, but not the whole list: <see cref="IterativeRanker"/> ranks it in windows.</summary>
    ListTooLong,
    /// <summary>One candidate does not fit even alone (<see cref="PromptFit.Candidate"/>).</summary>
    CandidateTooLong,
}
