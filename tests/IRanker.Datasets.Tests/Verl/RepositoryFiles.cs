namespace IRanker.Datasets.Tests.Verl;

/// <summary>Files of the repository that the tests run (the test binaries live under tests/*/bin/...).</summary>
internal static class RepositoryFiles
{
    public static string Find(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, relativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"'{relativePath}' was not found above {AppContext.BaseDirectory}; run the tests from the repository.");
    }
}
