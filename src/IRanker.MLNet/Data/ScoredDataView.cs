using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Data;

/// <summary>
/// The output of <see cref="IRankerTransformer.Transform"/>: every input column plus the score (and the relevance, where
/// asked for), rows in input order.
/// Lazy: nothing is ranked until a cursor first reads a score; then one pass over the input gathers the groups
/// (held in memory, as groups need not be contiguous), every group is ranked once, and all cursors share the scores.
/// </summary>
internal sealed class ScoredDataView : IDataView
{
    private readonly IDataView _input;
    private readonly Lazy<float[][]> _scores;
    private readonly int _scoreIndex;

    /// <param name="input">The rows.</param>
    /// <param name="columnNames">The Single columns added after the input's, in order.</param>
    /// <param name="score">Computes, per added column, the value of every row of <paramref name="input"/>.</param>
    public ScoredDataView(IDataView input, IReadOnlyList<string> columnNames, Func<IDataView, float[][]> score)
    {
        _input = input;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input.Schema);
        foreach (var name in columnNames) builder.AddColumn(name, NumberDataViewType.Single);
        Schema = builder.ToSchema();
        _scoreIndex = input.Schema.Count;
        _scores = new Lazy<float[][]>(() => score(input), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Rows come in input order, so shuffling is not offered.</summary>
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        var scoresNeeded = needed.Where(c => c.Index >= _scoreIndex).Select(c => c.Index).ToHashSet();
        var inputColumns = needed.Where(c => c.Index < _scoreIndex).Select(c => _input.Schema[c.Index]);
        return new Cursor(this, _input.GetRowCursor(inputColumns), scoresNeeded);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(ScoredDataView parent, DataViewRowCursor input, HashSet<int> activeScores) : DataViewRowCursor
    {
        public override DataViewSchema Schema => parent.Schema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index >= parent._scoreIndex ? activeScores.Contains(column.Index) : input.IsColumnActive(input.Schema[column.Index]);

        public override bool MoveNext() => input.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < parent._scoreIndex) return input.GetGetter<TValue>(input.Schema[column.Index]);
            if (!activeScores.Contains(column.Index)) throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; ask for it in GetRowCursor.");
            if (typeof(TValue) != typeof(float))
                throw new InvalidOperationException($"Column '{column.Name}' is Single; it cannot be read as {typeof(TValue).Name}.");
            ValueGetter<float> getter = (ref float value) =>
            {
                if (input.Position < 0) throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
                value = parent._scores.Value[column.Index - parent._scoreIndex][input.Position];
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
            base.Dispose(disposing);
        }
    }
}
