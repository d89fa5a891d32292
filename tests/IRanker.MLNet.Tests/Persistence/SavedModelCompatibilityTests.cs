using System.Globalization;
using IRanker.MLNet.Tests.Support;
using Microsoft.ML;

namespace IRanker.MLNet.Tests.Persistence;

/// <summary>
/// Model zips saved by earlier versions of the library keep loading and ranking identically. The fixtures were saved
/// by the library at format 1.2 (Fixtures/model-format-1.2/PROVENANCE.md), with the scores that version gave.
/// </summary>
public sealed class SavedModelCompatibilityTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "model-format-1.2", name);

    [Theory]
    [InlineData("model.zip", "scores.txt")]
    [InlineData("model-answer.zip", "scores-answer.txt")]
    public void A_format_1_2_zip_loads_and_scores_as_the_version_that_saved_it(string zip, string scores)
    {
        var mlContext = new MLContext(seed: 0);
        ITransformer model = mlContext.Model.Load(Fixture(zip), out _);
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(Fixture("data.tsv"), hasHeader: true);

        Pipelines.Column(model.Transform(data), "Score").Should().Equal(File.ReadAllLines(Fixture(scores)));
        (model as IDisposable)?.Dispose();
    }

    /// <remarks>
    /// The relevance is a softmax of the model's float32 logits, so it carries the rounding of the CPU it runs on: a CPU
    /// with other vector instructions sums in another order and moves the sixth or seventh digit (measured: at most
    /// 8e-7 between two server CPU types). The check allows 1e-5, far below any difference a changed model or a misread
    /// option makes; the scores above, which order the candidates, stay exact.
    /// </remarks>
    [Fact]
    public void A_format_1_2_zip_gives_the_relevance_of_the_version_that_saved_it()
    {
        var mlContext = new MLContext(seed: 0);
        ITransformer model = mlContext.Model.Load(Fixture("model.zip"), out _);
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(Fixture("data.tsv"), hasHeader: true);

        var actual = Pipelines.Column(model.Transform(data), "Relevance").Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var expected = File.ReadAllLines(Fixture("relevance.txt")).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToList();
        actual.Should().HaveCount(expected.Count);
        for (int i = 0; i < expected.Count; i++)
            actual[i].Should().BeApproximately(expected[i], 1e-5f, $"row {i + 1}'s relevance as format 1.2 computed it");
        (model as IDisposable)?.Dispose();
    }
}
