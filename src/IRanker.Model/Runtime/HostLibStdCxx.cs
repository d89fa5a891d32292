namespace IRanker.Model.Runtime;

/// <summary>Finds the libstdc++ that this process uses (or would use).</summary>
internal static class HostLibStdCxx
{
    private static readonly string[] WellKnown =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    ];

    /// <summary>The path of the libstdc++ mapped into this process, else a well-known location; null if none.</summary>
    public static string? Find()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.EndsWith("/" + GlibcxxCompatibility.LibStdCxx, StringComparison.Ordinal))
                    return line[slash..];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return WellKnown.FirstOrDefault(File.Exists);
    }
}
