using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IRanker.Model.Elimination;

/// <summary>
/// How many candidates each elimination step removes. The paper's loop removes one per step (N − 1 forward passes per
/// list); the faster schedules remove several at once, ordered among themselves by the step's Choice distribution, so
/// they need <see cref="DecodingMode.Choice"/>.
/// </summary>
/// <example>
/// <code>
/// var options = new RankerOptions { Schedule = EliminationSchedule.Fraction(0.5, exactTop: 5) };
/// // 20 candidates: steps remove 10, 5, then one at a time from 5 left: 3 + 4 = 7 forward passes instead of 19.
/// </code>
/// </example>
[JsonConverter(typeof(EliminationScheduleJsonConverter))]
public sealed class EliminationSchedule : IEquatable<EliminationSchedule>
{
    private enum Kind { OnePerStep, Fraction, OnePass }

    private readonly Kind kind;

    private EliminationSchedule(Kind kind, double fraction, int exactTop)
    {
        this.kind = kind;
        FractionPerStep = fraction;
        ExactTop = exactTop;
    }

    /// <summary>The paper's loop: one elimination per step. The default.</summary>
    public static EliminationSchedule OnePerStep { get; } = new(Kind.OnePerStep, 0, 0);

    /// <summary>One forward pass: the whole order from the first step's distribution (most likely to be eliminated last).</summary>
    public static EliminationSchedule OnePass { get; } = new(Kind.OnePass, 1, 0);

    /// <summary>
    /// Each step eliminates the ⌈<paramref name="fraction"/> × remaining⌉ candidates that the step's Choice
    /// distribution rates worst (at least one), ordered among themselves by that distribution; once
    /// <paramref name="exactTop"/> or fewer remain, one per step, so the top of the ranking is exact.
    /// </summary>
    /// <param name="fraction">The share of the remaining candidates to eliminate per step, in (0, 1).</param>
    /// <param name="exactTop">How many candidates at the top are ranked one step at a time (0 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside (0, 1) or <paramref name="exactTop"/> is negative.</exception>
    public static EliminationSchedule Fraction(double fraction, int exactTop = 0)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "EliminationSchedule.Fraction needs a fraction in (0, 1), e.g. 0.5; use OnePerStep for one elimination per step or OnePass for one forward pass.");
        if (exactTop < 0)
            throw new ArgumentOutOfRangeException(nameof(exactTop), exactTop, "EliminationSchedule.Fraction needs exactTop 0 or more: how many candidates at the top are ranked one step at a time.");
        return new EliminationSchedule(Kind.Fraction, fraction, exactTop);
    }

    /// <summary>The share of the remaining candidates eliminated per step (<see cref="Fraction"/>); 0 for one per step, 1 for one pass.</summary>
    public double FractionPerStep { get; }

    /// <summary>How many candidates at the top are ranked one step at a time (<see cref="Fraction"/>); else 0.</summary>
    public int ExactTop { get; }

    /// <summary>Whether the schedule eliminates one candidate per step (the only schedule the generating modes support).</summary>
    public bool IsOnePerStep => kind == Kind.OnePerStep;

    /// <summary>How many candidates a step removes from a pool of <paramref name="remaining"/> (at least 2): between 1 and remaining − 1.</summary>
    public int EliminationsAt(int remaining) => kind switch
    {
        Kind.OnePass => remaining - 1,
        Kind.Fraction when remaining > ExactTop => Math.Clamp((int)Math.Ceiling(FractionPerStep * remaining - 1e-9), 1, remaining - 1),
        _ => 1,
    };

    /// <summary>Throws when <paramref name="mode"/> cannot run this schedule: only Choice mode has a distribution to eliminate several by.</summary>
    /// <exception cref="ArgumentException">A schedule other than <see cref="OnePerStep"/> with <see cref="DecodingMode.Answer"/> or <see cref="DecodingMode.Reasoning"/>.</exception>
    public void CheckMode(DecodingMode mode, string where)
    {
        if (!IsOnePerStep && mode != DecodingMode.Choice)
            throw new ArgumentException(
                $"{where}: the elimination schedule {this} needs DecodingMode.Choice (it orders several eliminations by the step's Choice distribution), " +
                $"but the decoding mode is {mode}. Use EliminationSchedule.OnePerStep with {mode}, or DecodingMode.Choice with {this}.");
    }

    /// <summary>The schedule as text: <c>OnePerStep</c>, <c>OnePass</c> or <c>Fraction(0.5, 5)</c>; <see cref="Parse"/> reads it back.</summary>
    public override string ToString() => kind switch
    {
        Kind.OnePass => "OnePass",
        Kind.Fraction => string.Create(CultureInfo.InvariantCulture, $"Fraction({FractionPerStep:R}, {ExactTop})"),
        _ => "OnePerStep",
    };

    /// <summary>Reads a schedule written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not a schedule.</exception>
    public static EliminationSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t == "OnePerStep") return OnePerStep;
        if (t == "OnePass") return OnePass;
        if (t.StartsWith("Fraction(", StringComparison.Ordinal) && t.EndsWith(')'))
        {
            var parts = t["Fraction(".Length..^1].Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length is 1 or 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction)
                && (parts.Length == 1 ? 0 : int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int top) ? top : -1) is int exactTop and >= 0)
                return Fraction(fraction, exactTop);
        }
        throw new FormatException($"'{text}' is not an elimination schedule: write OnePerStep, OnePass or Fraction(0.5, 5).");
    }

    /// <inheritdoc/>
    public bool Equals(EliminationSchedule? other) => other is not null && kind == other.kind && FractionPerStep == other.FractionPerStep && ExactTop == other.ExactTop;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EliminationSchedule);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(kind, FractionPerStep, ExactTop);
}
