using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace IRanker.MLNet.Tests.Documentation;

/// <summary>
/// Renders the options reference of docs/options.md from the options classes themselves: every public settable
/// property in declaration order, its C# type, the default that a new instance holds, and the summary of its XML
/// documentation comment. Only the regions between <c>&lt;!-- options: TYPE --&gt;</c> and
/// <c>&lt;!-- end options --&gt;</c> are generated; the prose around them is written by hand.
/// </summary>
internal static partial class OptionsReference
{
    private const string EndMarker = "<!-- end options -->";

    /// <summary><paramref name="document"/> with every generated region rendered anew from <paramref name="types"/>.</summary>
    public static string Render(string document, IReadOnlyList<Type> types)
    {
        var result = new StringBuilder();
        int position = 0;
        foreach (Match start in StartMarker().Matches(document))
        {
            string name = start.Groups[1].Value;
            Type type = types.SingleOrDefault(t => t.Name == name)
                ?? throw new InvalidOperationException($"docs/options.md has a region for '{name}', which is not one of the options classes ({string.Join(", ", types.Select(t => t.Name))}).");
            int end = document.IndexOf(EndMarker, start.Index, StringComparison.Ordinal);
            if (end < 0) throw new InvalidOperationException($"docs/options.md: the region of '{name}' has no '{EndMarker}'.");
            result.Append(document, position, start.Index + start.Length - position).Append('\n');
            result.Append(Table(type));
            position = end;
        }
        result.Append(document, position, document.Length - position);
        return result.ToString();
    }

    /// <summary>The names of the types that <paramref name="document"/> has regions for.</summary>
    public static IReadOnlyList<string> Regions(string document) =>
        StartMarker().Matches(document).Select(m => m.Groups[1].Value).ToArray();

    private static string Table(Type type)
    {
        var docs = XmlDocs(type.Assembly);
        object instance = Activator.CreateInstance(type)!;
        var nullability = new NullabilityInfoContext();
        var table = new StringBuilder();
        table.Append("| option | type | default | meaning |\n|---|---|---|---|\n");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.SetMethod?.IsPublic == true)
                     .OrderBy(p => p.MetadataToken))
        {
            string key = $"P:{type.FullName}.{property.Name}";
            if (!docs.TryGetValue(key, out string? summary))
                throw new InvalidOperationException($"{type.Name}.{property.Name} has no XML documentation summary: document it in the source.");
            table.Append(CultureInfo.InvariantCulture,
                $"| `{property.Name}` | `{TypeName(property.PropertyType, nullability.Create(property))}` | {Default(property.GetValue(instance))} | {summary} |\n");
        }
        return table.ToString();
    }

    private static Dictionary<string, string> XmlDocs(Assembly assembly)
    {
        string path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
            throw new FileNotFoundException($"The XML documentation of {assembly.GetName().Name} is not next to it ({path}); its project must set GenerateDocumentationFile.", path);
        return XDocument.Load(path).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Text(m.Element("summary")!), StringComparer.Ordinal);
    }

    private static string Text(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" or "seealso" } e when e.Attribute("langword") is { } word => $"`{word.Value}`",
                XElement { Name.LocalName: "see" or "seealso" } e when e.Attribute("cref") is { } cref => $"`{CrefName(cref.Value)}`",
                XElement { Name.LocalName: "paramref" or "typeparamref" } e => $"`{(string?)e.Attribute("name")}`",
                XElement { Name.LocalName: "c" } e => $"`{e.Value}`",
                XElement { Name.LocalName: "para" } e => " " + Text(e) + " ",
                XElement e => Text(e),
                _ => "",
            });
        }
        return Whitespace().Replace(text.ToString(), " ").Trim().Replace("|", "\\|");
    }

    // "P:IRanker.MLNet.IRankerOptions.Seed" -> "IRankerOptions.Seed"; "T:IRanker.Model.DecodingMode" -> "DecodingMode";
    // "M:IRanker.MLNet.IRankerTransformer.WithSchedule(IRanker.Model.Elimination.EliminationSchedule)" -> "IRankerTransformer.WithSchedule".
    private static string CrefName(string cref)
    {
        string name = cref[(cref.IndexOf(':') + 1)..];
        int parenthesis = name.IndexOf('(');
        if (parenthesis >= 0) name = name[..parenthesis];
        if (BuiltInNames.TryGetValue(name, out string? keyword)) return keyword;
        string[] parts = name.Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    private static string TypeName(Type type, NullabilityInfo nullability)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying, nullability) + "?";
        string name = type switch
        {
            _ when type == typeof(int) => "int",
            _ when type == typeof(long) => "long",
            _ when type == typeof(double) => "double",
            _ when type == typeof(float) => "float",
            _ when type == typeof(bool) => "bool",
            _ when type == typeof(string) => "string",
            { IsGenericType: true } => $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Zip(nullability.GenericTypeArguments, TypeName))}>",
            _ => type.Name,
        };
        return !type.IsValueType && nullability.ReadState == NullabilityState.Nullable ? name + "?" : name;
    }

    private static string Default(object? value) => value switch
    {
        null => "`null`",
        string s => $"`\"{s}\"`",
        bool b => b ? "`true`" : "`false`",
        Enum e => $"`{e.GetType().Name}.{e}`",
        IFormattable f when value.GetType().IsPrimitive => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IDictionary { Count: 0 } => "empty",
        IEnumerable<string> items => $"`[{string.Join(", ", items.Select(i => $"\"{i}\""))}]`",
        _ when value.GetType().Namespace?.StartsWith("IRanker", StringComparison.Ordinal) == true && value.GetType().Name.EndsWith("Options", StringComparison.Ordinal)
            => $"`new()` (its defaults: below)",
        _ => $"`{value}`",
    };

    private static readonly Dictionary<string, string> BuiltInNames = new(StringComparer.Ordinal)
    {
        ["System.Single"] = "float", ["System.Double"] = "double", ["System.Int32"] = "int", ["System.Int64"] = "long",
        ["System.UInt32"] = "uint", ["System.Boolean"] = "bool", ["System.String"] = "string",
    };

    [GeneratedRegex(@"<!-- options: (\w+) -->")]
    private static partial Regex StartMarker();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
