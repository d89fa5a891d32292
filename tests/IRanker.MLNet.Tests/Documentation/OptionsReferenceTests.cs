using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Training;

namespace IRanker.MLNet.Tests.Documentation;

/// <summary>
/// docs/options.md is the one options reference, and it cannot drift from the code: its tables are what
/// <see cref="OptionsReference"/> renders from the options classes and their XML documentation. After changing an
/// option, run the tests once with <c>IRANKER_WRITE_DOCS=1</c> to rewrite the tables, and review the diff.
/// </summary>
public sealed class OptionsReferenceTests
{
    private static readonly Type[] OptionsClasses = [typeof(IRankerOptions), typeof(TrainingOptions), typeof(RankerOptions), typeof(LoraOptions)];

    [Fact]
    public void The_options_reference_is_what_the_code_documents()
    {
        string path = DocsFile("options.md");
        string document = File.ReadAllText(path).ReplaceLineEndings("\n");
        string rendered = OptionsReference.Render(document, OptionsClasses);

        if (Environment.GetEnvironmentVariable("IRANKER_WRITE_DOCS") == "1" && rendered != document)
            File.WriteAllText(path, rendered);
        else
            rendered.Should().Be(document, "docs/options.md must show every option as the code documents it; run the tests with IRANKER_WRITE_DOCS=1 to rewrite its tables");
    }

    [Fact]
    public void The_options_reference_has_a_table_for_every_options_class()
    {
        string document = File.ReadAllText(DocsFile("options.md"));

        OptionsReference.Regions(document).Should().BeEquivalentTo(OptionsClasses.Select(t => t.Name));
    }

    [Fact]
    public void A_changed_summary_shows_as_a_difference()
    {
        const string Stale = "<!-- options: LoraOptions -->\n| option | type | default | meaning |\n|---|---|---|---|\n| `Rank` | `int` | `8` | stale words |\n<!-- end options -->\n";

        string rendered = OptionsReference.Render(Stale, OptionsClasses);

        rendered.Should().NotBe(Stale).And.NotContain("stale words").And.Contain("| `Rank` |");
    }

    private static string DocsFile(string name)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "docs", name);
            if (File.Exists(candidate) && File.Exists(Path.Combine(folder.FullName, "IRanker.MLNet.sln"))) return candidate;
        }
        throw new FileNotFoundException($"docs/{name} was not found above {AppContext.BaseDirectory}.");
    }
}
