using IRanker.Model.Prompts;

namespace IRanker.Model.Elimination.LongLists;

/// <summary>One window of a tournament round: the candidates of one prompt and how many of them go on to the next round.</summary>
/// <param name="Candidates">Indices into the query's candidates, in input order.</param>
/// <param name="Keep">How many survive the window (at least 1, fewer than <see cref="Candidates"/>).</param>
/// <param name="Pass">The size of the window's largest forward pass.</param>
/// <param name="FirstPrompt">The tokens of the window's first step prompt, as measured for the plan.</param>
internal sealed record RankingWindow(IReadOnlyList<int> Candidates, int Keep, PromptPass Pass, int[] FirstPrompt);
