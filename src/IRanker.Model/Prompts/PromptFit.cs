namespace IRanker.Model.Prompts;

/// <summary>The outcome of <see cref="PromptLengthGuard.Assess"/>.</summary>
/// <param name="Kind">Whether and how it fits.</param>
/// <param name="Limit">The limit it was checked against.</param>
/// <param name="Pass">The pass that was checked: the whole list's, or for <see cref="PromptFitKind.CandidateTooLong"/> the candidate's alone.</param>
/// <param name="Candidate">For <see cref="PromptFitKind.CandidateTooLong"/>, the candidate's index; otherwise null.</param>
internal sealed record PromptFit(PromptFitKind Kind, PromptLimit Limit, PromptPass Pass, int? Candidate = null);
