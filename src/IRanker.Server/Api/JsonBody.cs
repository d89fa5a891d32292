using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;

namespace IRanker.Server.Api;

/// <summary>
/// Reads a JSON request body into a request type, within <see cref="ServerOptions.EffectiveMaxBodyBytes"/>, and turns every
/// way it can be wrong into a 4xx problem that names the field: not JSON, too large, malformed, not an object, a
/// field of the wrong type.
/// </summary>
internal static partial class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };
    private static readonly JsonSerializerOptions SerializerOptions = new() { MaxDepth = 32 };

    /// <summary>The request, or the problem to answer with.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, ServerOptions options) where T : class
    {
        long maxBytes = options.EffectiveMaxBodyBytes;
        var request = context.Request;
        if (!IsJson(request.ContentType)) return (null, Problems.NotJson(request.ContentType));
        if (request.ContentLength > maxBytes) return (null, Problems.BodyTooLarge(options));
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = maxBytes;

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, 64 * 1024));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes) return (null, Problems.BodyTooLarge(options));
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > maxBytes) return (null, Problems.BodyTooLarge(options));
            }
            return Parse<T>(buffer.AsMemory(0, length));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.BodyTooLarge(options));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own verdicts: 408 for a body slower than its minimum data rate, 400 for a broken framing.
            return (null, Problems.UnreadableBody(e.StatusCode is >= 400 and < 500 ? e.StatusCode : StatusCodes.Status400BadRequest, e.Message));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (T? Value, IResult? Problem) Parse<T>(ReadOnlyMemory<byte> body) where T : class
    {
        if (body.IsEmpty) return (null, Problems.Invalid("body", "The request body is empty: send a JSON object."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            return (null, Problems.Invalid("body", $"The request body is not valid JSON: {e.Message}"));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, Problems.Invalid("body", $"The request body must be a JSON object, not {Kind(document.RootElement.ValueKind)}."));
            try
            {
                var value = document.RootElement.Deserialize<T>(SerializerOptions);
                return value is null ? (null, Problems.Invalid("body", "The request body must be a JSON object.")) : (value, null);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                string field = FieldOf((e as JsonException)?.Path);
                return (null, Problems.Invalid(field, field == "body"
                    ? "The request body does not match this endpoint's request (docs/serving.md)."
                    : $"'{field}' must be {Expected<T>(field)}."));
            }
        }
    }

    /// <summary>
    /// The string value of <paramref name="element"/>; null when it is not a string, or when its escapes are not
    /// well-formed UTF-16 (an unpaired surrogate such as <c>"\ud800"</c>).
    /// </summary>
    public static string? StringOf(JsonElement element, out bool malformed)
    {
        malformed = false;
        if (element.ValueKind != JsonValueKind.String) return null;
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            malformed = true;
            return null;
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return false;
        string media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The top-level field a serializer path points into: <c>$.top_n</c> → <c>top_n</c>; none → <c>body</c>.</summary>
    private static string FieldOf(string? path)
    {
        if (path is null) return "body";
        var match = TopLevelField().Match(path);
        return match.Success ? match.Groups["dotted"].Success ? match.Groups["dotted"].Value : match.Groups["quoted"].Value : "body";
    }

    [GeneratedRegex(@"^\$(?:\.(?<dotted>[^.\[]+)|\['(?<quoted>[^']*)'\])")]
    private static partial Regex TopLevelField();

    /// <summary>What a field of <typeparamref name="T"/> holds, in words, from the type of the property with that JSON name.</summary>
    private static string Expected<T>(string field)
    {
        var property = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == field);
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type switch
        {
            null => "valid JSON",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(List<string>) => "an array of strings",
            _ when type == typeof(List<JsonElement>) => "an array",
            _ => "of the documented type",
        };
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
