using System.Globalization;

namespace IRanker.Benchmarks;

/// <summary>The <c>--name value</c> arguments of the benchmark subcommands that share them (learning curves, packing).</summary>
internal static class BenchmarkArguments
{
    /// <summary>The value after <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    /// <summary>A whole number above 0.</summary>
    /// <exception cref="ArgumentException">The value is not one; the message names the option.</exception>
    public static int Int(string[] args, string name, int fallback)
    {
        string text = Option(args, name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value : throw new ArgumentException($"Option {name} needs a whole number above 0, not '{text}'.");
    }

    /// <summary>A number of at least 0 (<paramref name="zeroAllowed"/>) or above 0.</summary>
    /// <exception cref="ArgumentException">The value is not one; the message names the option.</exception>
    public static double Double(string[] args, string name, double fallback, bool zeroAllowed)
    {
        string text = Option(args, name, fallback.ToString(CultureInfo.InvariantCulture));
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && (zeroAllowed ? value >= 0 : value > 0)
            ? value : throw new ArgumentException($"Option {name} needs a number {(zeroAllowed ? "of at least 0" : "above 0")}, not '{text}'.");
    }
}
