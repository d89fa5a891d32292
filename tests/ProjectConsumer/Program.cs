using IRanker.MLNet;
using IRanker.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

// Trains a tiny IRanker through ML.NET, saves it, loads it back and checks the scores: everything the library needs at
// run time (libtorch, the persistence code compiled against publicized ML.NET) must be in this program's output folder.
var mlContext = new MLContext(seed: 0);
string[] topics = ["volcano", "glacier", "comet", "reef"];
var rows = topics.SelectMany(topic => new[]
{
    new Row { Label = 4, GroupId = topic, Query = $"tell me about the {topic}", Candidate = $"{topic} history explained by experts" },
    new Row { Label = 1, GroupId = topic, Query = $"tell me about the {topic}", Candidate = $"{topic} tours advertisement" },
    new Row { Label = 0, GroupId = topic, Query = $"tell me about the {topic}", Candidate = "bananas are yellow" },
}).ToArray();
IDataView data = mlContext.Data.LoadFromEnumerable(rows);
var pipeline = mlContext.Transforms.Conversion.MapValueToKey("GroupId")
    .Append(mlContext.Ranking.Trainers.IRanker(new IRankerOptions
    {
        Scenario = RankingScenario.Passage, ScratchModelSize = ScratchModelSize.Tiny, WarmStartSteps = 2, TrainingSteps = 0, Device = "cpu",
    }));
var model = pipeline.Fit(data);
float[] scores = model.Transform(data).GetColumn<float>("Score").ToArray();

string zip = Path.Combine(Path.GetTempPath(), $"iranker-consumer-{Environment.ProcessId}.zip");
mlContext.Model.Save(model, data.Schema, zip);
float[] reloaded = mlContext.Model.Load(zip, out _).Transform(data).GetColumn<float>("Score").ToArray();
File.Delete(zip);

bool same = scores.SequenceEqual(reloaded);
Console.WriteLine($"scores {string.Join(" ", scores)}; after save and load {(same ? "identical" : "DIFFERENT: " + string.Join(" ", reloaded))}");
return same && scores.Length == rows.Length ? 0 : 1;

internal sealed class Row
{
    public float Label { get; set; }
    public string GroupId { get; set; } = "";
    public string Query { get; set; } = "";
    public string Candidate { get; set; } = "";
}
