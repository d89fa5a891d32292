namespace IRanker.Model.Training;

/// <summary>
/// The trainer's source of random decisions (sub-lists, orders, sampled answers): xoshiro256** seeded by
/// SplitMix64. Unlike <see cref="System.Random"/> its whole state is four numbers, so a checkpoint can store it and a
/// resumed run makes exactly the decisions that the uninterrupted run would have made.
/// </summary>
internal sealed class TrainingRandom
{
    private ulong s0, s1, s2, s3;

    public TrainingRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        s0 = SplitMix(ref x); s1 = SplitMix(ref x); s2 = SplitMix(ref x); s3 = SplitMix(ref x);
    }

    private TrainingRandom(ulong[] state) => State = state;

    /// <summary>The four state words; setting them restores the generator.</summary>
    public ulong[] State
    {
        get => [s0, s1, s2, s3];
        set
        {
            if (value.Length != 4 || value.All(v => v == 0)) throw new ArgumentException("A xoshiro256** state is four words, not all zero.", nameof(value));
            (s0, s1, s2, s3) = (value[0], value[1], value[2], value[3]);
        }
    }

    public static TrainingRandom FromState(ulong[] state) => new(state);

    public ulong NextULong()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="count"/>), without modulo bias.</summary>
    public int NextInt(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive.");
        ulong bound = (ulong)count;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong value;
        do value = NextULong(); while (value >= limit);
        return (int)(value % bound);
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).</summary>
    public int NextInt(int min, int max) => min + NextInt(max - min + 1);

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>An index drawn with the given probabilities (they need not sum exactly to 1).</summary>
    public int Categorical(ReadOnlySpan<double> probabilities)
    {
        double total = 0;
        foreach (var p in probabilities) total += p;
        double u = NextDouble() * total, running = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            running += probabilities[i];
            if (u < running) return i;
        }
        return probabilities.Length - 1;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
