namespace IRanker.Model.Step;

/// <summary>One list's input to a <see cref="StepForward"/>: its step prompt and, in Choice mode, the candidate continuations to score.</summary>
/// <param name="Prompt">The whole step prompt, token ids.</param>
/// <param name="Past">The list's cache from its previous step, or null.</param>
/// <param name="PastLength">How many leading prompt tokens are taken from <paramref name="Past"/> (0 without a cache); less than the prompt length.</param>
/// <param name="Branches">Token sequences that each continue the prompt (Choice mode), scored side by side; empty otherwise.</param>
internal sealed record StepRow(int[] Prompt, PrefixCache? Past, int PastLength, IReadOnlyList<int[]> Branches)
{
    /// <summary>Prompt tokens that run in the forward pass (after the cached ones).</summary>
    public int NewPromptTokens => Prompt.Length - PastLength;

    /// <summary>Positions the forward pass feeds: the new prompt tokens, then every branch token.</summary>
    public int NewTokens => NewPromptTokens + Branches.Sum(b => b.Length);

    /// <summary>A row for <paramref name="prompt"/>, reusing what it can of <paramref name="past"/>.</summary>
    public static StepRow Create(int[] prompt, PrefixCache? past, IReadOnlyList<int[]> branches)
    {
        if (prompt.Length == 0) throw new ArgumentException("A step prompt needs at least one token.", nameof(prompt));
        int reuse = past?.ReusableLength(prompt) ?? 0;
        return new StepRow(prompt, reuse > 0 ? past : null, reuse, branches);
    }
}
