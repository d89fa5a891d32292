namespace IRanker.Server.Metrics;

/// <summary>A Prometheus histogram: counts of observations at or below each upper bound, their sum and count.</summary>
internal sealed class Histogram(params double[] upperBounds)
{
    private readonly long[] _counts = new long[upperBounds.Length];
    private readonly Lock _lock = new();
    private double _sum;
    private long _count;

    public void Observe(double value)
    {
        lock (_lock)
        {
            for (int i = 0; i < upperBounds.Length; i++)
                if (value <= upperBounds[i]) _counts[i]++;
            _sum += value;
            _count++;
        }
    }

    /// <summary>A consistent copy: cumulative counts per bound, the sum and the count.</summary>
    public (IReadOnlyList<(double UpperBound, long Count)> Buckets, double Sum, long Count) Snapshot()
    {
        lock (_lock)
            return (upperBounds.Select((b, i) => (b, _counts[i])).ToArray(), _sum, _count);
    }
}
