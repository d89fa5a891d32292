namespace IRanker.Model.Prompts;

/// <summary>The size of one list's forward pass.</summary>
/// <param name="PromptTokens">Tokens of the prompt.</param>
/// <param name="Positions">Positions the pass needs: the prompt plus its longest continuation (a candidate ID in Choice mode, the tokens to generate otherwise).</param>
/// <param name="Tokens">Tokens the pass runs alone in a batch: the prompt plus every continuation.</param>
internal readonly record struct PromptPass(int PromptTokens, int Positions, int Tokens)
{
    /// <summary>A step prompt of <paramref name="promptTokens"/> tokens with candidate continuations <paramref name="branches"/> (Choice mode) and <paramref name="generated"/> tokens to generate.</summary>
    public static PromptPass Of(int promptTokens, IReadOnlyList<int[]> branches, int generated)
    {
        long longest = 0, all = 0;
        foreach (var branch in branches)
        {
            longest = Math.Max(longest, branch.Length);
            all += branch.Length;
        }
        return new PromptPass(promptTokens, Saturate(promptTokens + longest + generated), Saturate(promptTokens + all + generated));
    }

    private static int Saturate(long value) => (int)Math.Min(value, int.MaxValue);
}
