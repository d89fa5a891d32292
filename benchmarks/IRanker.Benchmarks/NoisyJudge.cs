using IRanker.Model;
using IRanker.Model.Elimination;

namespace IRanker.Benchmarks;

/// <summary>
/// A simulated ranker with controlled noise, for the quality of schedules and windows where no trained model can show
/// it: each candidate has a latent utility u ~ N(0, 1); a step names candidate c the worst of its pool with probability
/// softmax over the pool of −(u_c + σ·ε_c), where ε_c ~ N(0, 1) is drawn afresh for every candidate at every step.
/// σ = 0 never errs; at σ = 1 one judgement's noise is as wide as the spread of the utilities.
/// </summary>
/// <remarks>The noise does not grow with the pool: a real model that reads a longer prompt may err more, which this judge does not model.
/// It plugs into the library's loop as any user's judge does (<see cref="IterativeRanker.WithJudge"/>).</remarks>
internal sealed class NoisyJudge(double noise, int seed) : IEliminationJudge
{
    private readonly Random random = new(seed);
    private readonly Dictionary<RankingQuery, double[]> utilities = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Utilities for <paramref name="lists"/> lists of <paramref name="candidates"/>, and graded labels from each
    /// candidate's true place: 4 for the best, 3 for places 2-3, 2 for 4-6, 1 for 7-10, 0 below (NDCG@10 then measures
    /// how well the true top ten come first; MRR, where the best lands).
    /// </summary>
    public static (double[][] Utilities, float[][] Labels) Draw(int lists, int candidates, int seed)
    {
        var random = new Random(seed);
        var utilities = new double[lists][];
        var labels = new float[lists][];
        for (int q = 0; q < lists; q++)
        {
            utilities[q] = Enumerable.Range(0, candidates).Select(_ => Gaussian(random)).ToArray();
            labels[q] = new float[candidates];
            var byPlace = Enumerable.Range(0, candidates).OrderByDescending(c => utilities[q][c]).ToArray();
            for (int place = 0; place < candidates; place++)
                labels[q][byPlace[place]] = place switch { 0 => 4, < 3 => 3, < 6 => 2, < 10 => 1, _ => 0 };
        }
        return (utilities, labels);
    }

    /// <summary>Gives <paramref name="query"/>'s candidates their utilities.</summary>
    public void Add(RankingQuery query, double[] utility) => utilities[query] = utility;

    /// <summary>The step's score of each candidate of <paramref name="pool"/> as the worst, in pool order: −(u + σ·ε); the ranker takes their softmax.</summary>
    public float[] Score(RankingQuery query, IReadOnlyList<int> pool)
    {
        var utility = utilities[query];
        return pool.Select(c => (float)-(utility[c] + noise * Gaussian(random))).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
