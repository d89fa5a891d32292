using System.Globalization;
using IRanker.MLNet.Tests.Support;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

/// <summary>
/// The test assembly doubles as a small console program, so a test can load a saved model in a fresh process:
/// <c>dotnet IRanker.MLNet.Tests.dll score model.zip data.tsv</c> prints one score per row ("R" format).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 3 || args[0] != "score")
        {
            Console.Error.WriteLine("usage: IRanker.MLNet.Tests score <model.zip> <data.tsv>");
            return 2;
        }
        var mlContext = new MLContext(seed: 0);
        ITransformer model = mlContext.Model.Load(args[1], out _);
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(args[2], hasHeader: true);
        foreach (float score in model.Transform(data).GetColumn<float>("Score"))
            Console.WriteLine(score.ToString("R", CultureInfo.InvariantCulture));
        (model as IDisposable)?.Dispose();
        return 0;
    }
}
