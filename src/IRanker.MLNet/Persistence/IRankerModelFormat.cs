using IRanker.MLNet;
using System.Text.Json;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(IRankerTransformer), typeof(IRankerModelFormat), null, typeof(SignatureLoadModel),
    "IRanker Ranking Transformer", IRankerModelFormat.LoaderSignature)]

namespace IRanker.MLNet.Persistence;

/// <summary>
/// Writes an <see cref="IRankerTransformer"/> into an ML.NET model zip and reads it back, the way ML.NET's own
/// transformers do (a versioned main stream plus binary streams), so <c>mlContext.Model.Save/Load</c> just work.
/// </summary>
internal static class IRankerModelFormat
{
    /// <summary>The name ML.NET's component catalog finds the loader by; never change it.</summary>
    internal const string LoaderSignature = "IRankerTransformer";

    /// <summary>The format version this code writes: 1.1 (the first).</summary>
    internal const uint CurrentVersion = 0x00010001;

    /// <summary>The oldest format version this code reads.</summary>
    internal const uint OldestReadableVersion = 0x00010001;

    /// <summary>The prefix of the binary streams that carry the engine's files.</summary>
    private const string EngineFileStream = "EngineFile";

    // *** Binary format ***
    // Main stream (after ML.NET's model header; version 0x00010001):
    //   int:    id of the engine's name in the string table (e.g. "iranker")
    //   string: the trainer's options as JSON (BinaryWriter string: 7-bit length, UTF-8)
    //   int:    N, the number of files in the engine's folder
    //   N x string: each file's path relative to that folder, '/'-separated, in ordinal order
    // Binary stream "EngineFile<i>" for i in 0..N-1 (zip entries beside the main stream):
    //   long:   the length L of file i in bytes
    //   byte[L]: its content
    internal static VersionInfo GetVersionInfo() => new(
        modelSignature: "IRANKERT",
        verWrittenCur: CurrentVersion,
        verReadableCur: CurrentVersion,
        verWeCanReadBack: OldestReadableVersion,
        loaderAssemblyName: typeof(IRankerModelFormat).Assembly.FullName,
        loaderSignature: LoaderSignature);

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>A deep copy of <paramref name="options"/>, as saving and loading would give it (never-saved members left out).</summary>
    internal static IRankerOptions Copy(IRankerOptions options) =>
        JsonSerializer.Deserialize<IRankerOptions>(JsonSerializer.Serialize(options, Json), Json)!;

    /// <summary>Saves <paramref name="transformer"/> into the model being written.</summary>
    internal static void Save(IRankerTransformer transformer, ModelSaveContext ctx)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());

        string folder = CreateTempFolder();
        try
        {
            transformer.SaveEngineTo(folder);
            string[] files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray();

            ctx.SaveNonEmptyString(transformer.EngineName);
            ctx.Writer.Write(JsonSerializer.Serialize(transformer.Options, Json));
            ctx.Writer.Write(files.Length);
            foreach (string file in files) ctx.Writer.Write(file);

            for (int i = 0; i < files.Length; i++)
            {
                using var source = File.OpenRead(Path.Combine(folder, files[i]));
                ctx.SaveBinaryStream(EngineFileStream + i, writer =>
                {
                    writer.Write(source.Length);
                    writer.Flush();
                    source.CopyTo(writer.BaseStream);
                });
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Loads the transformer; ML.NET finds this method through the <see cref="LoadableClassAttribute"/> above.</summary>
    private static IRankerTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());

        string engineName = ctx.LoadNonEmptyString();
        var options = JsonSerializer.Deserialize<IRankerOptions>(ctx.Reader.ReadString(), Json)
            ?? throw new InvalidDataException("The IRanker model in this zip has no options.");
        int count = ctx.Reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"The IRanker model in this zip is corrupt: {count} engine files.");
        var files = new string[count];
        for (int i = 0; i < count; i++) files[i] = ctx.Reader.ReadString();

        IRankingEngineFactory factory = RankingEngines.ForLoading(engineName);
        string folder = CreateTempFolder();
        try
        {
            for (int i = 0; i < count; i++)
            {
                string path = Path.GetFullPath(Path.Combine(folder, files[i]));
                if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"The IRanker model in this zip names a file outside its folder: '{files[i]}'.");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                bool found = ctx.TryLoadBinaryStream(EngineFileStream + i, reader =>
                {
                    long length = reader.ReadInt64();
                    using var target = File.Create(path);
                    CopyExactly(reader.BaseStream, target, length, files[i]);
                });
                if (!found) throw new InvalidDataException($"The IRanker model in this zip lacks the stream of file '{files[i]}'.");
            }
            IRankingEngine engine = factory.Load(folder, options);
            return new IRankerTransformer(env, options, engine, engineName);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CopyExactly(Stream source, Stream target, long length, string name)
    {
        var buffer = new byte[81920];
        long left = length;
        while (left > 0)
        {
            int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new InvalidDataException($"The IRanker model in this zip is truncated: file '{name}' ends {left} bytes early.");
            target.Write(buffer, 0, read);
            left -= read;
        }
    }

    private static string CreateTempFolder() => Directory.CreateTempSubdirectory("iranker-model-").FullName;
}
