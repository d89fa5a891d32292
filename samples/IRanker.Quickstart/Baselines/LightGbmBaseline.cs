using IRanker.Evaluation.Baselines;
using IRanker.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.Quickstart.Baselines;

/// <summary>
/// ML.NET LightGBM LambdaMART on simple features, trained on the same training lists as IRanker:
/// the candidate's BM25 score against the context, the count and Jaccard overlap of their words, the candidate's
/// length in words, its position and the list size, plus a bag of words (and bigrams) of the candidate text.
/// </summary>
internal sealed class LightGbmBaseline
{
    public const int NumericFeatureCount = 6;

    private sealed class FeatureRow
    {
        public uint GroupId { get; set; }
        public float Label { get; set; }
        public string Candidate { get; set; } = "";
        [VectorType(NumericFeatureCount)] public float[] Numeric { get; set; } = [];
    }

    private sealed class ScoreOut
    {
        public float Score { get; set; }
    }

    private readonly MLContext _ml;
    private ITransformer? _model;

    public LightGbmBaseline(MLContext ml) => _ml = ml;

    public static string Description =>
        "BM25, word overlap (count, Jaccard), length, position, list size + candidate bag of words";

    public void Fit(IReadOnlyList<RankingQuery> train)
    {
        var data = _ml.Data.LoadFromEnumerable(ToRows(train, 1));
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("GroupId")
            .Append(_ml.Transforms.Text.FeaturizeText("CandidateWords", "Candidate"))
            .Append(_ml.Transforms.Concatenate("Features", "Numeric", "CandidateWords"))
            .Append(_ml.Ranking.Trainers.LightGbm(labelColumnName: "Label", featureColumnName: "Features", rowGroupColumnName: "GroupId"));
        _model = pipeline.Fit(data);
    }

    public float[][] Score(IReadOnlyList<RankingQuery> lists)
    {
        if (_model is null) throw new InvalidOperationException("Call Fit first.");
        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(ToRows(lists, 1)));
        var flat = _ml.Data.CreateEnumerable<ScoreOut>(scored, reuseRowObject: false).Select(s => s.Score).ToArray();
        var result = new float[lists.Count][];
        int at = 0;
        for (int q = 0; q < lists.Count; q++)
        {
            result[q] = flat.AsSpan(at, lists[q].Candidates.Count).ToArray();
            at += lists[q].Candidates.Count;
        }
        return result;
    }

    private static IEnumerable<FeatureRow> ToRows(IReadOnlyList<RankingQuery> lists, uint firstGroup)
    {
        var bm25 = new Bm25Ranker();
        for (int q = 0; q < lists.Count; q++)
        {
            var list = lists[q];
            var bm = bm25.Score(list);
            var context = Words(list.Context);
            for (int i = 0; i < list.Candidates.Count; i++)
            {
                var c = list.Candidates[i];
                string text = c.Text == c.Id ? c.Text : $"{c.Id} {c.Text}";
                var words = Words(text);
                int common = words.Count(context.Contains);
                float jaccard = words.Count + context.Count == 0 ? 0 : common / (float)words.Union(context).Count();
                yield return new FeatureRow
                {
                    GroupId = firstGroup + (uint)q,
                    Label = c.Label ?? 0,
                    Candidate = text,
                    Numeric = [bm[i], common, jaccard, words.Count, i, list.Candidates.Count],
                };
            }
        }
    }

    private static HashSet<string> Words(string text) =>
        text.ToLowerInvariant().Split((char[])[' ', '\n', '\t', ',', '.', '(', ')', '[', ']', '|', ':', ';', '$', '/'],
            StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
