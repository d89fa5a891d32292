using System.Collections.Concurrent;
using IRanker.Model.Text;

namespace IRanker.Model.Tests.Text;

/// <summary>Tokenizers loaded once per test run (tokenizer.json is 11 MB).</summary>
internal static class TestTokenizers
{
    private static readonly ConcurrentDictionary<string, Lazy<QwenTokenizer>> Loaded = new();

    public static string QwenFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", "qwen");

    public static QwenTokenizer Qwen => From(QwenFolder);

    public static QwenTokenizer From(string folder) =>
        Loaded.GetOrAdd(Path.GetFullPath(folder), f => new Lazy<QwenTokenizer>(() => QwenTokenizer.Load(f))).Value;
}
