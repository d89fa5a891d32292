using Microsoft.ML.Runtime;

namespace IRanker.MLNet;

/// <summary>Writes an engine's progress lines to an ML.NET channel, so they appear in <c>mlContext.Log</c>.</summary>
internal sealed class ChannelProgress(IChannel channel) : IProgress<string>
{
    public void Report(string value) => channel.Info(MessageSensitivity.None, value);
}
