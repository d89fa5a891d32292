using System.Text;
using System.Text.RegularExpressions;
using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Text;

namespace IRanker.Benchmarks;

/// <summary>
/// Prompts of random token ids with the peer benchmark's lengths, built through the library's public prompt path: a
/// query's context is its head (the static part) and each candidate's text its fixed block of tokens, written as
/// <c>#id</c> words; <see cref="IdTokenizer"/> reads the <c>#id</c> words as token ids and drops every other character,
/// so a step prompt is exactly the head followed by the remaining candidates' blocks (the template's own words count
/// nothing). A candidate's ID is two <c>#id</c> words run together (a random one and its place, so IDs are unique), so its Choice
/// continuation is two tokens. In the
/// append-only layout, the turn after each earlier answer is <see cref="NextTurnTokens"/> fixed tokens (15: about what
/// the chat template's turn takes).
/// </summary>
/// <remarks>
/// The tokenizer names no stop token and its text never closes an answer, so Answer mode always writes its
/// <see cref="Model.Elimination.RankerOptions.MaxAnswerTokens"/> tokens: a throughput measurement of the whole allowance.
/// </remarks>
internal static partial class RandomPrompts
{
    /// <summary>Ids are drawn below this, as the peer's.</summary>
    public const int HighestId = 150_000;

    /// <summary>The tokens of the append-only layout's turn after each answer.</summary>
    public const int NextTurnTokens = 15;

    /// <summary>
    /// A model bundle over <paramref name="model"/> (random weights, a vocabulary of at least <see cref="HighestId"/>) that
    /// reads these prompts. The bundle owns nothing it does not share: dispose <paramref name="model"/>, not the bundle.
    /// </summary>
    public static IRankerModel Bundle(Qwen2ForCausalLM model, PromptLayout layout = PromptLayout.Rebuilt) =>
        new(model, new IdTokenizer(), new IdTemplate(), PromptStyle.Chat, layout);

    /// <summary>Makes <paramref name="count"/> queries of random token ids; <paramref name="label"/> (list, candidate) gives labels, where wanted.</summary>
    public static IReadOnlyList<RankingQuery> CreateLists(int count, int candidates, int headTokens, int candidateTokens, int seed, Func<int, int, float?>? label = null)
    {
        var random = new Random(seed);
        string Ids(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => Word(random.Next(1, HighestId))));
        var queries = new List<RankingQuery>();
        for (int q = 0; q < count; q++)
        {
            string head = Ids(headTokens);
            var blocks = Enumerable.Range(0, candidates).Select(_ => Ids(candidateTokens)).ToArray();
            var ids = Enumerable.Range(0, candidates).Select(c => Word(random.Next(1, HighestId)) + Word(c + 1)).ToArray();   // unique in the list
            var query = new RankingQuery(head, Enumerable.Range(0, candidates).Select(c => new RankingCandidate(ids[c], blocks[c], label?.Invoke(q, c))).ToArray(),
                QueryId: $"list {q}");
            queries.Add(query);
        }
        return queries;
    }

    private static string Word(int id) => "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Shows the head, then each candidate's block alone (no ID, no heading, no instructions).</summary>
    private sealed class IdTemplate : PromptTemplate
    {
        private static readonly string TurnText = string.Join(' ', Enumerable.Range(1000, NextTurnTokens).Select(Word));

        protected override string Context(RankingQuery query) => query.Context;
        protected override string EliminationInstruction(RankingQuery query) => "";
        protected override string DirectInstruction(RankingQuery query) => "";
        protected override string CandidatesHeading(RankingQuery query) => "";
        protected override string CandidateLine(RankingQuery query, int index) => query.Candidates[index].Text;
        protected override string SystemPrompt(DecodingMode mode) => "";
        protected override string FormatInstruction(DecodingMode mode) => "";
        protected override string NextEliminationInstruction(RankingQuery query) => TurnText;
    }

    /// <summary>Reads <c>#id</c> words as token ids; every other character is dropped.</summary>
    private sealed partial class IdTokenizer : TextTokenizer
    {
        public override int VocabSize => HighestId;
        public override int EndOfTurnId => 0;
        public override IReadOnlyList<int> StopTokenIds => [];
        public override int PadTokenId => 0;

        public override IReadOnlyList<int> Encode(string text) =>
            IdWord().Matches(text).Select(m => int.Parse(m.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        public override string Decode(IEnumerable<int> ids)
        {
            var text = new StringBuilder();
            foreach (int id in ids) text.Append(text.Length == 0 ? "" : " ").Append(Word(id));
            return text.ToString();
        }

        public override int? TokenToId(string token) => IdWord().Match(token) is { Success: true } m && m.Length == token.Length
            ? int.Parse(m.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture) : null;

        public override void Save(string folder) => throw new NotSupportedException("Random prompts are not saved: they measure ranking, not models.");

        [GeneratedRegex(@"#(\d+)")]
        private static partial Regex IdWord();
    }
}
