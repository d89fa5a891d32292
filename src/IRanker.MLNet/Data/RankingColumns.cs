using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Data;

/// <summary>The input columns the trainer and transformer read, checked against a schema with ML.NET-style messages.</summary>
internal sealed record RankingColumns(
    DataViewSchema.Column Group,
    DataViewSchema.Column Query,
    DataViewSchema.Column Candidate,
    DataViewSchema.Column? CandidateId,
    DataViewSchema.Column? Label,
    DataViewSchema.Column? Task = null)
{
    /// <summary>Finds and checks the columns in <paramref name="schema"/>; the label only when <paramref name="needLabel"/>.</summary>
    public static RankingColumns Bind(DataViewSchema schema, IRankerOptions options, bool needLabel)
    {
        DataViewSchema.Column Find(string role, string name, string option)
        {
            var column = schema.GetColumnOrNull(name)
                ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find {role} column '{name}' ({nameof(IRankerOptions)}.{option}) in the input.");
            Check(role, name, column.Type is VectorDataViewType v ? v.ItemType : column.Type,
                column.Type is KeyDataViewType, isScalar: column.Type is not VectorDataViewType);
            return column;
        }

        return new RankingColumns(
            Find(Roles.Group, options.RowGroupColumnName, nameof(IRankerOptions.RowGroupColumnName)),
            Find(Roles.Query, options.QueryColumnName, nameof(IRankerOptions.QueryColumnName)),
            Find(Roles.Candidate, options.CandidateColumnName, nameof(IRankerOptions.CandidateColumnName)),
            options.CandidateIdColumnName is { } id ? Find(Roles.CandidateId, id, nameof(IRankerOptions.CandidateIdColumnName)) : null,
            needLabel ? Find(Roles.Label, options.LabelColumnName, nameof(IRankerOptions.LabelColumnName)) : null,
            options.TaskColumnName is { } task ? Find(Roles.Task, task, nameof(IRankerOptions.TaskColumnName)) : null);
    }

    /// <summary>Checks the columns of a <see cref="SchemaShape"/> (what estimators see before data exists).</summary>
    public static void Check(SchemaShape shape, IRankerOptions options, bool needLabel)
    {
        void CheckShape(string role, string name, string option)
        {
            // The last column of a name is the visible one, as in a DataViewSchema.
            var matches = shape.Where(c => c.Name == name).ToArray();
            if (matches.Length == 0)
                throw new ArgumentOutOfRangeException(nameof(shape), $"Could not find {role} column '{name}' ({nameof(IRankerOptions)}.{option}) in the input.");
            var column = matches[^1];
            Check(role, name, column.ItemType, column.IsKey, column.Kind == SchemaShape.Column.VectorKind.Scalar);
        }

        CheckShape(Roles.Group, options.RowGroupColumnName, nameof(IRankerOptions.RowGroupColumnName));
        CheckShape(Roles.Query, options.QueryColumnName, nameof(IRankerOptions.QueryColumnName));
        CheckShape(Roles.Candidate, options.CandidateColumnName, nameof(IRankerOptions.CandidateColumnName));
        if (options.CandidateIdColumnName is { } id) CheckShape(Roles.CandidateId, id, nameof(IRankerOptions.CandidateIdColumnName));
        if (options.TaskColumnName is { } task) CheckShape(Roles.Task, task, nameof(IRankerOptions.TaskColumnName));
        if (needLabel) CheckShape(Roles.Label, options.LabelColumnName, nameof(IRankerOptions.LabelColumnName));
    }

    // itemType: the column's type, or its item type for a vector; a key's raw type may be given with isKey set.
    private static void Check(string role, string name, DataViewType itemType, bool isKey, bool isScalar)
    {
        string item = isKey ? $"Key<{itemType.RawType.Name}>" : itemType is TextDataViewType ? "String" : itemType.RawType.Name;
        string got = isScalar ? item : $"vector of {item}";
        bool ok = isScalar && role switch
        {
            Roles.Label => isKey ? itemType.RawType == typeof(uint) : itemType == NumberDataViewType.Single,
            Roles.Group => itemType.RawType == typeof(uint) && (isKey || itemType == NumberDataViewType.UInt32),
            _ => !isKey && itemType is TextDataViewType,
        };
        if (ok) return;
        string expected = role switch
        {
            Roles.Label => "Single (a relevance grade 0..4) or Key",
            Roles.Group => "Key or UInt32",
            _ => "String",
        };
        string advice = role == Roles.Group && !isKey
            ? $" Map it to a key first: mlContext.Transforms.Conversion.MapValueToKey(\"{name}\")."
            : "";
        throw new ArgumentOutOfRangeException("inputSchema", $"Schema mismatch for {role} column '{name}': expected {expected}, got {got}.{advice}");
    }

    /// <summary>The names of the column roles in messages.</summary>
    public static class Roles
    {
        public const string Label = "label";
        public const string Group = "group";
        public const string Query = "query";
        public const string Candidate = "candidate";
        public const string CandidateId = "candidate ID";
        public const string Task = "task";
    }
}
