namespace IRanker.Model.Text;

/// <summary>
/// GPT-2's reversible mapping of the 256 byte values onto printable characters, which byte-level BPE files use to
/// write byte strings as JSON text: printable Latin-1 bytes stand for themselves, the others (controls, space,
/// <c>0x7F</c>–<c>0xA0</c>, <c>0xAD</c>) take the characters from U+0100 on, in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] Table = Build();

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => Table[value];

    /// <summary>The byte-level string of some bytes (one character per byte).</summary>
    public static string ToText(ReadOnlySpan<byte> bytes) =>
        string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (int i = 0; i < source.Length; i++) chars[i] = Table[source[i]];
        });

    private static char[] Build()
    {
        var table = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)(256 + next++);
        }
        return table;
    }
}
