using IRanker.MLNet.Tests.Engine;
using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

public sealed class InputValidationTests
{
    private static readonly MLContext MLContext = new(seed: 0);

    private sealed class TextLabelRow
    {
        public string Label { get; set; } = "";
        public string GroupId { get; set; } = "";
        public string Query { get; set; } = "";
        public string Candidate { get; set; } = "";
    }

    private sealed class NumericQueryRow
    {
        public float Label { get; set; }
        public uint GroupId { get; set; }
        public float Query { get; set; }
        public string Candidate { get; set; } = "";
    }

    private sealed class KeyedRow
    {
        [KeyType(5)] public uint Label { get; set; }
        [KeyType(10)] public uint GroupId { get; set; }
        public string Query { get; set; } = "";
        public string Candidate { get; set; } = "";
    }

    private static Action FitPipeline<T>(IEnumerable<T> rows, Func<IRankerOptions, IRankerOptions>? adjust = null, bool mapGroup = true) where T : class
    {
        var options = (adjust ?? (o => o))(Pipelines.Options(engine: new NeverTrained()));
        IEstimator<ITransformer> trainer = MLContext.Ranking.Trainers.IRanker(options);
        var pipeline = mapGroup ? MLContext.Transforms.Conversion.MapValueToKey("GroupId").Append(trainer) : trainer;
        var data = MLContext.Data.LoadFromEnumerable(rows);
        return () => pipeline.Fit(data);
    }

    [Fact]
    public void A_missing_column_is_named_with_the_option_that_names_it()
    {
        var fit = FitPipeline(PassageData.Rows(2, seed: 1), o => { o.QueryColumnName = "Question"; return o; });
        fit.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*query column 'Question' (IRankerOptions.QueryColumnName)*");
    }

    [Fact]
    public void A_text_label_is_rejected_before_fitting_with_the_expected_type()
    {
        var fit = FitPipeline([new TextLabelRow { Label = "high", GroupId = "a", Query = "q", Candidate = "c" }]);
        fit.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Schema mismatch for label column 'Label': expected Single (a relevance grade 0..4) or Key, got String*");
    }

    [Fact]
    public void A_text_group_column_asks_for_MapValueToKey()
    {
        var fit = FitPipeline(PassageData.Rows(2, seed: 1), mapGroup: false);
        fit.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Schema mismatch for group column 'GroupId': expected Key or UInt32, got String. Map it to a key first: mlContext.Transforms.Conversion.MapValueToKey(\"GroupId\").*");
    }

    [Fact]
    public void A_numeric_query_column_is_rejected_with_the_expected_type()
    {
        var fit = FitPipeline([new NumericQueryRow { GroupId = 1, Candidate = "c" }], mapGroup: false);
        fit.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Schema mismatch for query column 'Query': expected String, got Single.*");
    }

    [Fact]
    public void A_UInt32_group_and_key_labels_are_accepted()
    {
        var rows = Enumerable.Range(0, 4).Select(i => new KeyedRow { Label = (uint)(i % 2 + 1), GroupId = (uint)(i / 2 + 1), Query = "q", Candidate = $"c{i}" });
        var model = (IRankerTransformer)MLContext.Ranking.Trainers.IRanker(Pipelines.Options()).Fit(MLContext.Data.LoadFromEnumerable(rows));
        model.Should().NotBeNull();
    }

    [Theory]
    [InlineData(float.NaN, "Row 3 has the label NaN in label column 'Label'; labels must be relevance grades from 0 to 4*")]
    [InlineData(7f, "Row 3 has the label 7 in label column 'Label'*")]
    [InlineData(-1f, "Row 3 has the label -1 in label column 'Label'*")]
    public void An_invalid_label_names_the_row(float label, string message)
    {
        var rows = PassageData.Rows(2, seed: 1);
        rows[3].Label = label;
        FitPipeline(rows).Should().Throw<InvalidOperationException>().WithMessage(message);
    }

    [Fact]
    public void A_missing_key_label_names_the_row()
    {
        // A label mapped to keys from a fixed list: "unknown" is not in it, so it becomes the missing key.
        var grades = MLContext.Data.LoadFromEnumerable(new[] { "bad", "good" }.Select(g => new TextLabelRow { Label = g }));
        var rows = Enumerable.Range(0, 4).Select(i => new TextLabelRow { Label = i == 2 ? "unknown" : "good", GroupId = "g", Query = "q", Candidate = $"c{i}" });
        var pipeline = MLContext.Transforms.Conversion.MapValueToKey("Label", keyData: MLContext.Data.LoadFromEnumerable(grades.GetColumn<string>("Label").Select(l => new { Label = l })))
            .Append(MLContext.Transforms.Conversion.MapValueToKey("GroupId"))
            .Append(MLContext.Ranking.Trainers.IRanker(Pipelines.Options(engine: new NeverTrained())));
        var fit = () => pipeline.Fit(MLContext.Data.LoadFromEnumerable(rows));
        fit.Should().Throw<InvalidOperationException>().WithMessage("Row 2 has a missing value in label column 'Label'.");
    }

    [Fact]
    public void Two_query_texts_in_one_group_name_the_group_and_both_rows()
    {
        var rows = PassageData.Rows(2, seed: 1);
        rows[6].Query = "something else";
        FitPipeline(rows).Should().Throw<InvalidOperationException>()
            .WithMessage("Group 'q1' has two different texts in query column 'Query': row 5 has 'tell me about the glacier', row 6 has 'something else'.*");
    }

    [Fact]
    public void A_repeated_candidate_ID_in_a_group_names_both_rows()
    {
        var rows = PassageData.Rows(1, seed: 1);
        var fit = FitPipeline(rows, o => { o.CandidateIdColumnName = "Query"; return o; });
        fit.Should().Throw<InvalidOperationException>().WithMessage("Group 'q0' has the candidate ID 'tell me about the volcano' twice in column 'Query' (rows 0 and 1)*");
    }

    [Fact]
    public void Transform_checks_its_input_columns_too()
    {
        var model = MLContext.Ranking.Trainers.IRanker(Pipelines.Options()).Fit(
            MLContext.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new KeyedRow { Label = 1 + (uint)i % 2, GroupId = 1, Query = "q", Candidate = $"c{i}" })));
        var transform = () => model.Transform(MLContext.Data.LoadFromEnumerable(PassageData.Rows(1, seed: 1)));
        transform.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*group column 'GroupId': expected Key or UInt32, got String*");
    }

    [Fact]
    public void Invalid_options_are_rejected_when_the_trainer_is_made()
    {
        var steps = () => MLContext.Ranking.Trainers.IRanker(new IRankerOptions { TrainingSteps = -1 });
        var device = () => MLContext.Ranking.Trainers.IRanker(new IRankerOptions { Device = "tpu" });
        var path = () => MLContext.Ranking.Trainers.IRanker(new IRankerOptions { ModelPath = "/no/such/model" });
        steps.Should().Throw<ArgumentOutOfRangeException>().WithMessage("IRankerOptions.TrainingSteps must be 0 or more, not -1.*");
        device.Should().Throw<ArgumentException>().WithMessage("Unknown device 'tpu'*");
        path.Should().Throw<DirectoryNotFoundException>().WithMessage("IRankerOptions.ModelPath '/no/such/model' is not a folder*");
    }

    /// <summary>Fails the test if training starts: schema errors must come from GetOutputSchema, before any training.</summary>
    private sealed class NeverTrained : IRanker.MLNet.Engine.IRankingEngineFactory
    {
        public string Name => "never-trained";
        public IRanker.MLNet.Engine.IRankingEngine Train(IReadOnlyList<IRanker.Model.RankingQuery> train, IRankerOptions options, IProgress<string> progress, CancellationToken ct) =>
            throw new Xunit.Sdk.XunitException("training started on invalid input");
        public IRanker.MLNet.Engine.IRankingEngine Load(string folder, IRankerOptions options) => LexicalRankingEngineFactory.Instance.Load(folder, options);
    }
}
