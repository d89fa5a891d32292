using IRanker.Model;
using IRanker.Model.Prompts;

namespace IRanker.Benchmarks;

/// <summary>
/// Prompts of random token ids with the peer benchmark's lengths: per list a fixed head (the static part) and a fixed
/// block of tokens per candidate; a step prompt is the head followed by the remaining candidates' blocks. A candidate's
/// Choice continuation is two tokens (an ID token and a closing token). In the append-only layout, the turn after each
/// earlier answer is <see cref="NextTurnTokens"/> fixed tokens (15: about what the chat template's turn takes).
/// </summary>
internal sealed class RandomPromptSource : IStepPromptSource
{
    private readonly int[] nextTurn;

    public RandomPromptSource(PromptLayout layout = PromptLayout.Rebuilt, int nextTurnTokens = 15)
    {
        Layout = layout;
        nextTurn = Enumerable.Range(0, nextTurnTokens).Select(i => 1000 + i).ToArray();
    }

    public PromptLayout Layout { get; }

    public int NextTurnTokens => nextTurn.Length;

    public int[] NextTurn(RankingQuery query, DecodingMode mode) => nextTurn;

    private const int HighestId = 150_000;   // as the peer: ids drawn below 150,000
    private readonly Dictionary<RankingQuery, (int[] Head, int[][] Candidates, int[][] Ids)> lists = new(ReferenceEqualityComparer.Instance);

    /// <summary>Makes <paramref name="count"/> queries with their random token ids; <paramref name="label"/> (list, candidate) gives labels, where wanted.</summary>
    public IReadOnlyList<RankingQuery> CreateLists(int count, int candidates, int headTokens, int candidateTokens, int seed, Func<int, int, float?>? label = null)
    {
        var random = new Random(seed);
        int[] Ids(int n) => Enumerable.Range(0, n).Select(_ => random.Next(1, HighestId)).ToArray();
        var queries = new List<RankingQuery>();
        for (int q = 0; q < count; q++)
        {
            var query = new RankingQuery($"list {q}", Enumerable.Range(0, candidates).Select(c => new RankingCandidate($"c{c}", $"c{c}", label?.Invoke(q, c))).ToArray(), QueryId: $"list {q}");
            lists[query] = (Ids(headTokens), Enumerable.Range(0, candidates).Select(_ => Ids(candidateTokens)).ToArray(),
                Enumerable.Range(0, candidates).Select(_ => Ids(2)).ToArray());
            queries.Add(query);
        }
        return queries;
    }

    public int[] StepPrompt(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode)
    {
        var (head, candidates, _) = lists[query];
        return [.. head, .. remaining.Order().SelectMany(c => candidates[c])];
    }

    public int[] DirectPrompt(RankingQuery query, DecodingMode mode) => StepPrompt(query, Enumerable.Range(0, query.Candidates.Count).ToArray(), mode);

    public int[] ChoiceContinuation(RankingQuery query, int candidate) => lists[query].Ids[candidate];

    public int[] Encode(string text) => throw new NotSupportedException("Random prompts have no text to encode: they measure ranking, not training.");

    public string Decode(IReadOnlyList<int> tokens) => string.Join(' ', tokens);

    public IReadOnlyCollection<int> StopTokenIds => [];

    public int EndOfTurnId => 0;

    public int PadTokenId => 0;
}
