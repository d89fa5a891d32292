namespace IRanker.Model.Step;

/// <summary>
/// How <see cref="StepForward"/> lays a batch of step rows out on the host before its one forward pass: which rows
/// share each sequence, the token, position, branch-group, segment, limit and keep arrays the model and the mask are
/// built from, and per sequence which positions' logits the scores need and what each of them predicts.
/// </summary>
internal sealed class StepBatchLayout
{
    private StepBatchLayout(int maxPast, int maxNew, LayoutArrays input, SequenceLayout[] sequences, RowLayout[] rows, int branchCount, long[] pastStart)
    {
        MaxPast = maxPast;
        MaxNew = maxNew;
        Input = input;
        Sequences = sequences;
        Rows = rows;
        BranchCount = branchCount;
        PastStart = pastStart;
    }

    /// <summary>Sequences in the batch (rows, or packed groups of rows).</summary>
    public int Batch => Sequences.Length;

    /// <summary>The longest cached prefix of any row (past columns, left-padded to it).</summary>
    public int MaxPast { get; }

    /// <summary>The most new tokens (prompt and branches) of any sequence.</summary>
    public int MaxNew { get; }

    /// <summary>Past and new columns together.</summary>
    public int Total => MaxPast + MaxNew;

    /// <summary>The most logit positions any sequence needs (gathered per sequence, padded to this).</summary>
    public int Slots => Sequences.Max(l => l.Positions.Count);

    /// <summary>The flat input arrays.</summary>
    public LayoutArrays Input { get; }

    /// <summary>Per sequence, the positions whose logits are needed and what they predict.</summary>
    public SequenceLayout[] Sequences { get; }

    /// <summary>Per row, where it went.</summary>
    public RowLayout[] Rows { get; }

    /// <summary>Branches over all rows and steps.</summary>
    public int BranchCount { get; }

    /// <summary>Per sequence, the first past column its row uses (the left padding of its cached prefix).</summary>
    public long[] PastStart { get; }

    /// <summary>Lays <paramref name="rows"/> out (see <see cref="StepForward"/> for the layout of a row).</summary>
    public static StepBatchLayout Build(IReadOnlyList<StepRow> rows, int padTokenId, StepForwardOptions options)
    {
        var sequences = Pack(rows, options);
        int batch = sequences.Count;
        int maxPast = rows.Max(r => r.PastLength);
        int maxNew = sequences.Max(s => s.Sum(r => rows[r].NewTokens));

        var input = new LayoutArrays(batch, maxNew, maxPast + maxNew, padTokenId);
        var layouts = new SequenceLayout[batch];
        var rowLayouts = new RowLayout[rows.Count];
        int branchBase = 0;
        for (int b = 0; b < batch; b++)
        {
            layouts[b] = new SequenceLayout();
            int offset = 0, branchGroup = 0, segment = 0;
            foreach (int r in sequences[b])
            {
                rowLayouts[r] = Layout(rows[r], b, segment++, offset, maxPast, input, layouts[b], ref branchGroup, ref branchBase, options.PromptLoss);
                offset += rows[r].NewTokens;
            }
        }
        var pastStart = sequences.Select(s => (long)(maxPast - rows[s[0]].PastLength)).ToArray();
        return new StepBatchLayout(maxPast, maxNew, input, layouts, rowLayouts, branchBase, pastStart);
    }

    /// <summary>
    /// Which rows share each sequence of the batch: one row each, or with <see cref="StepForwardOptions.PackTokens"/>
    /// consecutive rows while their tokens fit.
    /// </summary>
    private static List<List<int>> Pack(IReadOnlyList<StepRow> rows, StepForwardOptions options)
    {
        bool pack = options.PackTokens > 0 && rows.All(r => r.PastLength == 0);
        if (options.PackTokens > 0 && (options.KeepCache || options.KeepPrefixes))
            throw new ArgumentException("Packed rows keep no cache: PackTokens cannot be combined with KeepCache or KeepPrefixes.", nameof(options));
        var sequences = new List<List<int>>();
        int used = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            int tokens = rows[r].NewTokens;
            if (pack && sequences.Count > 0 && used + tokens <= options.PackTokens)
            {
                sequences[^1].Add(r);
                used += tokens;
                continue;
            }
            sequences.Add([r]);
            used = tokens;
        }
        return sequences;
    }

    /// <summary>The flat input arrays of the batch, [batch, new] (and [batch, past + new] for <see cref="StepForward.Keep"/>).</summary>
    public sealed class LayoutArrays
    {
        public LayoutArrays(int batch, int maxNew, int total, int padTokenId)
        {
            MaxNew = maxNew;
            Total = total;
            Ids = Enumerable.Repeat((long)padTokenId, batch * maxNew).ToArray();
            Positions = new long[batch * maxNew];
            Groups = Enumerable.Repeat(-1L, batch * maxNew).ToArray();
            Segments = Enumerable.Repeat(-1L, batch * maxNew).ToArray();
            Limits = new long[batch * maxNew];
            Keep = new long[batch * total];
        }

        public int MaxNew { get; }
        public int Total { get; }
        public long[] Ids { get; }
        public long[] Positions { get; }

        /// <summary>0 for a prompt token, a branch's number (from 1) for a branch token, -1 for padding.</summary>
        public long[] Groups { get; }

        /// <summary>The row a token belongs to within its sequence (0, 1, … when rows are packed), -1 for padding.</summary>
        public long[] Segments { get; }

        /// <summary>For a branch token, the column after the last prompt column it may see; for a prompt token the sequence's width.</summary>
        public long[] Limits { get; }

        public long[] Keep { get; }
    }

    /// <summary>
    /// The logits one sequence of the batch needs (new-token indices) and what each gathered slot predicts: every branch
    /// token, and with the prompt loss every prompt token after the first new one.
    /// </summary>
    public sealed class SequenceLayout
    {
        public List<long> Positions { get; } = [];

        private readonly List<(int Slot, long Token, int Branch)> targets = [];
        private readonly List<int[]?> renormalize = [];

        /// <summary>(slot, token, global branch index or -1 for a prompt token).</summary>
        public IReadOnlyList<(int Slot, long Token, int Branch)> Targets => targets;

        /// <summary>
        /// Per target (as <see cref="Targets"/>), for a branch token scored with <see cref="ChoiceScoring.UniquePrefix"/>:
        /// the targets (indices into <see cref="Targets"/>) of the distinct tokens the step's branches continue with at
        /// that token's place, over which its probability is renormalised (the token's own target among them); null
        /// otherwise.
        /// </summary>
        public IReadOnlyList<int[]?> Renormalize => renormalize;

        /// <summary>Adds a target and what it is renormalised over (<see cref="Renormalize"/>), so that the two stay in step.</summary>
        public void Add(int slot, long token, int branch, int[]? siblings = null)
        {
            targets.Add((slot, token, branch));
            renormalize.Add(siblings);
        }
    }

    /// <summary>Where a row went: its sequence, and per step (branch point) the slot of its last prompt token.</summary>
    public sealed record RowLayout(int Sequence, int[] PointSlots);

    /// <summary>Fills <paramref name="row"/> into sequence <paramref name="b"/> as its segment <paramref name="segment"/>, from new column <paramref name="offset"/>.</summary>
    private static RowLayout Layout(StepRow row, int b, int segment, int offset, int maxPast, LayoutArrays input, SequenceLayout layout,
        ref int branchGroup, ref int branchBase, bool promptLoss)
    {
        int maxNew = input.MaxNew, total = input.Total;
        int past = row.PastLength;
        int promptNew = row.NewPromptTokens;
        if (offset == 0)
        {
            for (int c = maxPast - past; c < maxPast + promptNew; c++) input.Keep[b * total + c] = 1;
            for (int i = 0; i < maxNew; i++) input.Positions[b * maxNew + i] = past;
        }
        for (int i = 0; i < promptNew; i++)
        {
            int at = b * maxNew + offset + i;
            input.Ids[at] = row.Prompt[past + i];
            input.Positions[at] = past + i;
            input.Groups[at] = 0;
            input.Segments[at] = segment;
            input.Limits[at] = maxNew;
        }

        var pointSlots = new int[row.PointCount];
        int next = offset + promptNew;
        for (int p = 0; p < row.PointCount; p++)
        {
            var point = row.Point(p);
            if (point.PromptLength - 1 < past)
                throw new ArgumentException($"A step at prompt length {point.PromptLength} lies inside the cached prefix ({past} tokens).", nameof(row));
            layout.Positions.Add(offset + point.PromptLength - 1 - past);
            pointSlots[p] = layout.Positions.Count - 1;
            var siblings = point.Scoring == ChoiceScoring.UniquePrefix ? Siblings(point.Branches, layout.Targets.Count) : null;
            for (int branchIndex = 0; branchIndex < point.Branches.Count; branchIndex++)
            {
                var branch = point.Branches[branchIndex];
                branchGroup++;
                for (int j = 0; j < branch.Length; j++)
                {
                    int i = next + j, at = b * maxNew + i;
                    input.Ids[at] = branch[j];
                    input.Positions[at] = point.PromptLength + j;
                    input.Groups[at] = branchGroup;
                    input.Segments[at] = segment;
                    input.Limits[at] = offset + point.PromptLength - past;
                    // Token j is predicted at the step's last prompt token (j = 0) or at the branch's token j - 1.
                    layout.Add(j == 0 ? pointSlots[p] : layout.Positions.Count - 1, branch[j], branchBase + branchIndex, siblings?[branchIndex][j]);
                    if (j < branch.Length - 1) layout.Positions.Add(i);
                }
                next += branch.Length;
            }
            branchBase += point.Branches.Count;
        }
        if (promptLoss)
            for (int i = 0; i + 1 < promptNew; i++)
            {
                if (past + i + 1 < row.PromptLossFrom) continue;
                layout.Positions.Add(offset + i);
                layout.Add(layout.Positions.Count - 1, row.Prompt[past + i + 1], -1);
            }
        return new RowLayout(b, pointSlots);
    }

    /// <summary>
    /// For each token of each branch of a <see cref="ChoiceScoring.UniquePrefix"/> step, the targets of the distinct
    /// tokens that the branches sharing its prefix continue with (a node of the branches' trie and its children), each
    /// token by its first branch in order; the branches' targets start at <paramref name="firstTarget"/>, each branch's
    /// tokens in turn.
    /// </summary>
    private static int[][][] Siblings(IReadOnlyList<int[]> branches, int firstTarget)
    {
        var start = new int[branches.Count];
        for (int b = 1; b < branches.Count; b++) start[b] = start[b - 1] + branches[b - 1].Length;
        var siblings = new int[branches.Count][][];
        for (int b = 0; b < branches.Count; b++)
        {
            var branch = branches[b];
            siblings[b] = new int[branch.Length][];
            for (int j = 0; j < branch.Length; j++)
            {
                var tokens = new HashSet<int>();
                var targets = new List<int>();
                for (int c = 0; c < branches.Count; c++)
                    if (branches[c].Length > j && branches[c].AsSpan(0, j).SequenceEqual(branch.AsSpan(0, j)) && tokens.Add(branches[c][j]))
                        targets.Add(firstTarget + start[c] + j);
                siblings[b][j] = [.. targets];
            }
        }
        return siblings;
    }
}
