using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IRanker.Model.Elimination;

/// <summary>Writes an <see cref="EliminationSchedule"/> as its text (<c>"Fraction(0.5, 5)"</c>), so that saved options stay readable.</summary>
internal sealed class EliminationScheduleJsonConverter : JsonConverter<EliminationSchedule>
{
    /// <inheritdoc/>
    public override EliminationSchedule Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("An elimination schedule must be a string such as \"OnePerStep\".");
        try { return EliminationSchedule.Parse(text); }
        catch (FormatException e) { throw new JsonException(e.Message, e); }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, EliminationSchedule value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
