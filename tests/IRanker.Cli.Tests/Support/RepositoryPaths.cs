namespace IRanker.Cli.Tests.Support;

/// <summary>Paths in the repository, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "IRanker.MLNet.sln"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException("The repository root (IRanker.MLNet.sln) is not above the test assembly.");
        }
    }

    /// <summary>The command's own build output (built with this test project, in the same configuration).</summary>
    public static string CliDll
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            string dll = Path.Combine(Root, "src", "IRanker.Cli", "bin", configuration, "net10.0", "IRanker.Cli.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"The command is not built: {dll}", dll);
        }
    }
}
