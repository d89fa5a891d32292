namespace IRanker.Model.Training.Sampling;

/// <summary>
/// Query indices in epochs, each epoch a fresh random permutation; its state fits in a checkpoint. With weights, a
/// query of weight w appears floor(w) times per epoch, and once more with probability w - floor(w).
/// </summary>
internal sealed class QueryStream
{
    private readonly double[]? weights;
    private readonly int count;

    /// <summary>Every query once per epoch.</summary>
    public QueryStream(int count) => this.count = count;

    /// <summary>Query i about <paramref name="weights"/>[i] times per epoch (weights of 1 are the same as no weights).</summary>
    public QueryStream(IReadOnlyList<double> weights)
    {
        count = weights.Count;
        if (weights.Any(w => w != 1)) this.weights = weights.ToArray();
    }

    public int[] Order { get; set; } = [];
    public int Position { get; set; }

    public int Next(TrainingRandom random)
    {
        while (Position >= Order.Length)
        {
            Order = weights is null ? Enumerable.Range(0, count).ToArray() : WeightedEpoch(random);
            random.Shuffle(Order);
            Position = 0;
        }
        return Order[Position++];
    }

    private int[] WeightedEpoch(TrainingRandom random)
    {
        var order = new List<int>();
        for (int i = 0; i < weights!.Length; i++)
        {
            double whole = Math.Floor(weights[i]);
            for (int k = 0; k < (int)whole; k++) order.Add(i);
            double fraction = weights[i] - whole;
            if (fraction > 0 && random.NextDouble() < fraction) order.Add(i);
        }
        return order.ToArray();
    }
}
