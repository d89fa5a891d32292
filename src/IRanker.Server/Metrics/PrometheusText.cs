using System.Globalization;
using System.Text;

namespace IRanker.Server.Metrics;

/// <summary>Writes Prometheus' text exposition format (version 0.0.4): HELP and TYPE lines, then one sample per line.</summary>
internal sealed class PrometheusText
{
    /// <summary>The content type of the exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public void Family(string name, string type, string help) =>
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
             .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    public void Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0) _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    public void Histogram(string name, Histogram histogram, params (string Name, string Value)[] labels)
    {
        var (buckets, sum, count) = histogram.Snapshot();
        foreach (var (bound, n) in buckets) Sample(name + "_bucket", n, [.. labels, ("le", Format(bound))]);
        Sample(name + "_bucket", count, [.. labels, ("le", "+Inf")]);
        Sample(name + "_sum", sum, labels);
        Sample(name + "_count", count, labels);
    }

    public override string ToString() => _text.ToString();

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
