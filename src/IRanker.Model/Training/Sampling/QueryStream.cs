namespace IRanker.Model.Training.Sampling;

/// <summary>Query indices in epochs, each epoch a fresh random permutation; its state fits in a checkpoint.</summary>
internal sealed class QueryStream(int count)
{
    public int[] Order { get; set; } = [];
    public int Position { get; set; }

    public int Next(TrainingRandom random)
    {
        if (Position >= Order.Length)
        {
            Order = Enumerable.Range(0, count).ToArray();
            random.Shuffle(Order);
            Position = 0;
        }
        return Order[Position++];
    }
}
