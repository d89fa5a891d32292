using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Elimination;

/// <summary>Small queries and tiny models for the inference tests.</summary>
internal static class TinyRankerModels
{
    public static readonly string[] Colours = ["red", "blue", "green", "black", "white", "brown", "pink", "gray", "gold"];

    /// <summary>A query whose candidates are the given colours (indices into <see cref="Colours"/>), in that order.</summary>
    public static RankingQuery ColourQuery(string context, params int[] colours) =>
        new(context, colours.Select(c => new RankingCandidate(Colours[c], $"a {Colours[c]} paint for the wall")).ToArray(), QueryId: context);

    /// <summary>Queries of 1..9 candidates, some with the same candidate text.</summary>
    public static IReadOnlyList<RankingQuery> MixedQueries()
    {
        var queries = new List<RankingQuery>();
        for (int n = 1; n <= 9; n++)
        {
            var candidates = Enumerable.Range(0, n)
                .Select(i => new RankingCandidate($"passage {i + 1}", i % 3 == 0 ? "the same text" : $"text number {i}")).ToArray();
            queries.Add(new RankingQuery($"query with {n} passages", candidates, RankingScenario.Passage, QueryId: $"q{n}"));
        }
        return queries;
    }

    /// <summary>A randomly initialised tiny model whose vocabulary covers the colour and mixed queries.</summary>
    public static IRankerModel Random(long seed = 1, bool tied = true, PromptStyle style = PromptStyle.Chat) =>
        IRankerModel.CreateFromScratch(MixedQueries().Append(ColourQuery("a paint shop", 0, 1, 2, 3, 4, 5, 6, 7, 8)),
            vocab =>
            {
                var config = Qwen2Config.Tiny(vocab);
                config.TieWordEmbeddings = tied;
                return config;
            }, seed, style: style);

    /// <summary>
    /// A tiny model whose next-token distribution is the same after any input: logit <c>preference[t]</c> for token
    /// <c>t</c> and 0 for every other token. Every token embeds to the same vector, so every position's final hidden
    /// state is the same vector h; the (untied) LM head row of a token is then set to <c>h * logit / |h|²</c>.
    /// </summary>
    public static IRankerModel WithFixedPreferences(IReadOnlyDictionary<string, float> preference)
    {
        var bundle = Random(seed: 3, tied: false);
        var model = bundle.Model;
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            model.Decoder.EmbeddingWeight.fill_(0.5);
            using var output = model.Forward(tensor(new long[] { 5, 6, 7 }, [1, 3]));
            var h = output.LastHiddenState[0, 0];                                  // [hidden]
            var head = model.LmHeadWeight;                                          // [vocab, hidden]
            head.zero_();
            foreach (var (text, logit) in preference)
            {
                var ids = bundle.Tokenizer.Encode(text);
                if (ids.Count != 1) throw new InvalidOperationException($"'{text}' is {ids.Count} tokens; the test needs single-token IDs.");
                head[ids[0]].copy_(h * (logit / h.dot(h).item<float>()));
            }
        }
        return bundle;
    }
}
