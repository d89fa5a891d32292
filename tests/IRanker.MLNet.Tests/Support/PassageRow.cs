using Microsoft.ML.Data;

namespace IRanker.MLNet.Tests.Support;

/// <summary>One row of the test data: a candidate passage of a query, with its relevance label.</summary>
public sealed class PassageRow
{
    [LoadColumn(0)] public float Label { get; set; }
    [LoadColumn(1)] public string GroupId { get; set; } = "";
    [LoadColumn(2)] public string Query { get; set; } = "";
    [LoadColumn(3)] public string Candidate { get; set; } = "";
}
