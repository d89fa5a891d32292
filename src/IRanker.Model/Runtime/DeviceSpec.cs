namespace IRanker.Model.Runtime;

/// <summary>A parsed device name: "cpu", "cuda", "cuda:N" or "auto".</summary>
internal readonly record struct DeviceSpec(bool IsAuto, bool IsCpu, int Index)
{
    public static DeviceSpec Parse(string? name)
    {
        var s = (name ?? "auto").Trim().ToLowerInvariant();
        if (s is "" or "auto") return new(true, false, 0);
        if (s == "cpu") return new(false, true, 0);
        if (s == "cuda") return new(false, false, 0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), out int i) && i >= 0)
            return new(false, false, i);
        throw new ArgumentException(
            $"Unknown device '{name}'. Use \"auto\" (a GPU where available), \"cpu\", \"cuda\" or \"cuda:N\" (N = 0, 1, ...).", nameof(name));
    }
}
