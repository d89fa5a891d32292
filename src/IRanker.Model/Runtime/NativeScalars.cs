using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Runtime;

/// <summary>
/// TorchSharp <see cref="Scalar"/>s that stay alive through the native calls that read them, and the tensor
/// arithmetic of the model written with them.
/// </summary>
/// <remarks>
/// TorchSharp reads a Scalar argument's native handle and then calls libtorch without keeping the Scalar object
/// alive, and a Scalar's finalizer frees its native value. A Scalar that only the call refers to (converted implicitly
/// from a number, made inline by <c>ToScalar()</c>, or made by TorchSharp itself, as the <c>alpha</c> of
/// <c>a + b</c> and <c>1 - b</c>) can therefore be freed by a garbage collection on another thread while libtorch
/// reads it: a rare native error ("toFloat ... Expected false to be true") or a wrong number, seen under the server's
/// sustained load. The static Scalars here live as long as the process (a static field is a root; they are never
/// disposed), and the helpers keep every Scalar they make in a <c>using</c> variable until the call returns.
/// The analyzer rules IRK0001 and IRK0002 (build/IRanker.Analyzers) make any other use in this library a build error.
/// </remarks>
/// <example>
/// <code>
/// var h = x.Plus(attention);                           // x + attention, with an alpha that outlives the call
/// var scaled = logits.DividedBy(temperature);          // logits / temperature
/// var masked = scores.masked_fill(drop, NativeScalars.NegativeInfinity);
/// </code>
/// </example>
internal static class NativeScalars
{
    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0L.ToScalar();

    /// <summary>The integer 1 (the <c>alpha</c> of every sum here).</summary>
    public static readonly Scalar One = 1L.ToScalar();

    /// <summary>Negative infinity (a double).</summary>
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary><c>a + b</c>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a + b</c> for an integer <paramref name="b"/> (an integer tensor stays an integer tensor).</summary>
    public static Tensor Plus(this Tensor a, long b)
    {
        using var scalar = b.ToScalar();
        return a.add(scalar, One);
    }

    /// <summary><c>a + b</c> for a real <paramref name="b"/>.</summary>
    public static Tensor Plus(this Tensor a, double b)
    {
        using var scalar = b.ToScalar();
        return a.add(scalar, One);
    }

    /// <summary><c>a - b</c> for an integer <paramref name="b"/> (an integer tensor stays an integer tensor).</summary>
    public static Tensor Minus(this Tensor a, long b)
    {
        using var scalar = b.ToScalar();
        return a.sub(scalar);
    }

    /// <summary><c>a - b</c> for a real <paramref name="b"/>.</summary>
    public static Tensor Minus(this Tensor a, double b)
    {
        using var scalar = b.ToScalar();
        return a.sub(scalar);
    }

    /// <summary><c>a * b</c>.</summary>
    public static Tensor Times(this Tensor a, double b)
    {
        using var scalar = b.ToScalar();
        return a.mul(scalar);
    }

    /// <summary><c>a / b</c>.</summary>
    public static Tensor DividedBy(this Tensor a, double b)
    {
        using var scalar = b.ToScalar();
        return a.div(scalar);
    }

    /// <summary><c>a ≥ b</c>, element-wise.</summary>
    public static Tensor AtLeast(this Tensor a, double b)
    {
        using var scalar = b.ToScalar();
        return a.ge(scalar);
    }

    /// <summary><c>a &gt; b</c>, element-wise.</summary>
    public static Tensor Above(this Tensor a, double b)
    {
        using var scalar = b.ToScalar();
        return a.gt(scalar);
    }

    /// <summary><paramref name="a"/> clamped to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Tensor ClampedTo(this Tensor a, double min, double max)
    {
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        return a.clamp(low, high);
    }

    /// <summary>The integers <c>start, ..., stop - 1</c> (int64) on <paramref name="device"/>.</summary>
    public static Tensor Range(long start, long stop, Device device)
    {
        using var first = start.ToScalar();
        using var end = stop.ToScalar();
        return arange(first, end, device: device);
    }

    /// <summary>A tensor of <paramref name="count"/> copies of the integer <paramref name="value"/> (int64) on <paramref name="device"/>.</summary>
    public static Tensor Filled(long count, long value, Device device)
    {
        using var fill = value.ToScalar();
        return full(count, fill, dtype: ScalarType.Int64, device: device);
    }
}
