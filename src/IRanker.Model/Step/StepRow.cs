namespace IRanker.Model.Step;

/// <summary>One list's input to a <see cref="StepForward"/>: its step prompt and, in Choice mode, the candidate continuations to score.</summary>
/// <param name="Prompt">The whole step prompt, token ids.</param>
/// <param name="Past">The list's cache from its previous step, or null.</param>
/// <param name="PastLength">How many leading prompt tokens are taken from <paramref name="Past"/> (0 without a cache); less than the prompt length.</param>
/// <param name="Branches">Token sequences that each continue the prompt (Choice mode), scored side by side; empty otherwise.</param>
/// <remarks>
/// A packed row (<see cref="Packed"/>) also scores the steps that came before its last one: in the append-only layout
/// each earlier step's prompt is a prefix of the last step's, so each earlier step is a <see cref="BranchPoint"/> whose
/// branches continue that prefix, and one forward pass gives every step's scores.
/// </remarks>
internal sealed record StepRow(int[] Prompt, PrefixCache? Past, int PastLength, IReadOnlyList<int[]> Branches)
{
    /// <summary>Earlier steps scored in the same pass, in prompt order (empty for a single step).</summary>
    public IReadOnlyList<BranchPoint> Earlier { get; private init; } = [];

    /// <summary>
    /// The first prompt position whose token counts in the prompt's next-token loss (0: every token after the first).
    /// A piece of a long elimination that was cut counts only the tokens the pieces before it did not.
    /// </summary>
    public int PromptLossFrom { get; private init; }

    /// <summary>How the last step's branches are scored: whole, or as unique prefixes renormalised where they part (<see cref="ChoiceScoring"/>).</summary>
    public ChoiceScoring Scoring { get; private init; }

    /// <summary>Steps this row scores: its earlier branch points and the last step.</summary>
    public int PointCount => Earlier.Count + 1;

    /// <summary>Prompt tokens that run in the forward pass (after the cached ones).</summary>
    public int NewPromptTokens => Prompt.Length - PastLength;

    /// <summary>Positions the forward pass feeds: the new prompt tokens, then every branch token of every step.</summary>
    public int NewTokens => NewPromptTokens + Branches.Sum(b => b.Length) + Earlier.Sum(p => p.Branches.Sum(b => b.Length));

    /// <summary>The prompt length and branches of step <paramref name="index"/> (earlier steps first, the last step last).</summary>
    public BranchPoint Point(int index) => index < Earlier.Count ? Earlier[index] : new BranchPoint(Prompt.Length, Branches, Scoring);

    /// <summary>
    /// This row's prompt (and cached prefix) with <paramref name="answer"/>, a written answer, as its one branch: how the
    /// free-text modes score an answer through the step.
    /// </summary>
    /// <exception cref="InvalidOperationException">The row is packed (it has earlier steps).</exception>
    public StepRow WithAnswer(int[] answer) =>
        Earlier.Count == 0 ? this with { Branches = [answer], Scoring = ChoiceScoring.FullSequence }   // a written answer is scored whole
            : throw new InvalidOperationException("A packed row has no single answer to score.");

    /// <summary>A row for <paramref name="prompt"/>, reusing what it can of <paramref name="past"/>.</summary>
    /// <param name="prompt">The step prompt.</param>
    /// <param name="past">The list's cache from its previous step, or null.</param>
    /// <param name="branches">The continuations to score (Choice mode).</param>
    /// <param name="scoring">How <paramref name="branches"/> are scored: <see cref="ChoiceScoring.UniquePrefix"/> where they are cut after the token that tells each from the others.</param>
    public static StepRow Create(int[] prompt, PrefixCache? past, IReadOnlyList<int[]> branches, ChoiceScoring scoring = ChoiceScoring.FullSequence)
    {
        if (prompt.Length == 0) throw new ArgumentException("A step prompt needs at least one token.", nameof(prompt));
        int reuse = past?.ReusableLength(prompt) ?? 0;
        return new StepRow(prompt, reuse > 0 ? past : null, reuse, branches) { Scoring = scoring };
    }

    /// <summary>
    /// A packed row: the last step's <paramref name="prompt"/> and <paramref name="branches"/>, and the earlier steps,
    /// each at the length of its own prompt (a prefix of <paramref name="prompt"/>). No cached prefix.
    /// </summary>
    /// <param name="prompt">The last step's prompt.</param>
    /// <param name="earlier">The earlier steps, their prompt lengths increasing and each shorter than <paramref name="prompt"/>.</param>
    /// <param name="branches">The last step's candidate continuations.</param>
    /// <param name="promptLossFrom">The first prompt position whose token counts in the next-token loss.</param>
    /// <param name="scoring">How the last step's branches are scored.</param>
    /// <exception cref="ArgumentException">A branch point is empty, out of order or not inside the prompt.</exception>
    public static StepRow Packed(int[] prompt, IReadOnlyList<BranchPoint> earlier, IReadOnlyList<int[]> branches, int promptLossFrom = 0,
        ChoiceScoring scoring = ChoiceScoring.FullSequence)
    {
        if (prompt.Length == 0) throw new ArgumentException("A step prompt needs at least one token.", nameof(prompt));
        int previous = 0;
        foreach (var point in earlier)
        {
            if (point.PromptLength <= previous || point.PromptLength >= prompt.Length)
                throw new ArgumentException($"An earlier step's prompt length {point.PromptLength} must be above the previous one ({previous}) and below the last step's ({prompt.Length}).", nameof(earlier));
            previous = point.PromptLength;
        }
        if (promptLossFrom < 0 || promptLossFrom > prompt.Length)
            throw new ArgumentOutOfRangeException(nameof(promptLossFrom), promptLossFrom, $"The prompt loss must start inside the prompt (0..{prompt.Length}).");
        return new StepRow(prompt, null, 0, branches) { Earlier = earlier, PromptLossFrom = promptLossFrom, Scoring = scoring };
    }
}

/// <summary>
/// One step inside a packed row: its prompt is the row's first <paramref name="PromptLength"/> tokens, and
/// <paramref name="Branches"/> continue it, scored as <paramref name="Scoring"/> says.
/// </summary>
internal sealed record BranchPoint(int PromptLength, IReadOnlyList<int[]> Branches, ChoiceScoring Scoring = ChoiceScoring.FullSequence);
