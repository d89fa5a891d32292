namespace IRanker.Model.Runtime;

/// <summary>
/// Makes TorchSharp's native library loadable on hosts whose libstdc++ is older than the one it was built
/// with, by marking the missing GLIBCXX version requirements weak (see <see cref="ElfVersionPatcher"/>).
/// </summary>
internal static class GlibcxxCompatibility
{
    internal const string LibStdCxx = "libstdc++.so.6";

    /// <summary>
    /// Rewrites <paramref name="library"/> (atomically: temp file + rename) when it requires GLIBCXX
    /// versions that <paramref name="hostVersions"/> lacks; a no-op otherwise. Returns the versions marked weak.
    /// Only GLIBCXX_* requirements are touched: those are the versioned marker symbols that newer GCCs emit;
    /// a missing CXXABI_* version would be a real incompatibility and is left for the loader to report.
    /// </summary>
    public static IReadOnlyList<string> PatchIfNeeded(string library, IReadOnlySet<string> hostVersions)
    {
        byte[] bytes = File.ReadAllBytes(library);
        var weakened = ElfVersionPatcher.WeakenMissing(bytes, LibStdCxx, "GLIBCXX_", hostVersions);
        if (weakened.Count == 0) return weakened;

        string temp = $"{library}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, library, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            File.Delete(temp);
            throw new InvalidOperationException(
                $"'{library}' requires {string.Join(", ", weakened)} from {LibStdCxx}, which this machine's libstdc++ lacks, " +
                "and the file could not be rewritten to accept the older libstdc++. Make the application folder writable for " +
                "the first run, or run the application once where it is writable before deploying it read-only.", e);
        }
        return weakened;
    }
}
