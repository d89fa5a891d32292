using System.Text.Json;
using Xunit.Abstractions;

namespace IRanker.Model.Tests.Text;

/// <summary>One entry of a <c>*encodings.json</c> file: a text and the ids Hugging Face tokenizers gave for it.</summary>
public sealed class TokenizerCase : IXunitSerializable
{
    public string TokenizerFolder { get; private set; } = "";
    public string Source { get; private set; } = "";
    public int Index { get; private set; }
    public string Text { get; private set; } = "";
    public int[] Ids { get; private set; } = [];

    public TokenizerCase() { }

    private TokenizerCase(string tokenizerFolder, string source, int index, string text, int[] ids)
    {
        TokenizerFolder = tokenizerFolder;
        Source = source;
        Index = index;
        Text = text;
        Ids = ids;
    }

    /// <summary>The entries of the fixture files, then of the file named by IRANKER_EXTRA_TOKENIZER_CASES.</summary>
    public static IEnumerable<object[]> All()
    {
        string root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers");
        var files = Directory.EnumerateFiles(root, "*encodings.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => (File: f, Tokenizer: Path.GetDirectoryName(f)!))
            .ToList();
        string? extra = Environment.GetEnvironmentVariable("IRANKER_EXTRA_TOKENIZER_CASES");
        if (!string.IsNullOrWhiteSpace(extra))
        {
            if (!File.Exists(extra)) throw new FileNotFoundException($"IRANKER_EXTRA_TOKENIZER_CASES names '{extra}', which does not exist.", extra);
            string folder = Path.GetDirectoryName(Path.GetFullPath(extra))!;
            files.Add((extra, File.Exists(Path.Combine(folder, "tokenizer.json")) ? folder : Path.Combine(root, "qwen")));
        }

        foreach (var (file, tokenizer) in files)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            int index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var ids = entry.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();
                yield return [new TokenizerCase(tokenizer, Path.GetFileName(file), index++, entry.GetProperty("text").GetString()!, ids)];
            }
        }
    }

    public void Deserialize(IXunitSerializationInfo info)
    {
        TokenizerFolder = info.GetValue<string>(nameof(TokenizerFolder));
        Source = info.GetValue<string>(nameof(Source));
        Index = info.GetValue<int>(nameof(Index));
        Text = info.GetValue<string>(nameof(Text));
        Ids = info.GetValue<int[]>(nameof(Ids));
    }

    public void Serialize(IXunitSerializationInfo info)
    {
        info.AddValue(nameof(TokenizerFolder), TokenizerFolder);
        info.AddValue(nameof(Source), Source);
        info.AddValue(nameof(Index), Index);
        info.AddValue(nameof(Text), Text);
        info.AddValue(nameof(Ids), Ids);
    }

    /// <summary>A short readable name: file, entry number and the start of the text, with line breaks escaped.</summary>
    public override string ToString()
    {
        string shown = Text.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t");
        if (shown.Length > 40) shown = shown[..40] + "...";
        return $"{Path.GetFileName(TokenizerFolder)}/{Source}#{Index} \"{shown}\"";
    }
}
