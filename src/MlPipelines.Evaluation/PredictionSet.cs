namespace MlPipelines.Evaluation;

/// <summary>One row of a predictions file.</summary>
/// <param name="Line">1-based line number in the source file (the header is line 1 of a CSV file).</param>
/// <param name="Label">The true value, as written.</param>
/// <param name="Prediction">The predicted value, as written.</param>
/// <param name="Score">Binary classification: probability of the positive class (column <c>score</c>).</param>
/// <param name="ClassScores">Probability per class (columns <c>score_&lt;class&gt;</c>); empty when absent.</param>
public sealed record PredictionRow(int Line, string Label, string Prediction, double? Score, IReadOnlyDictionary<string, double> ClassScores);

/// <summary>The parsed content of a predictions file.</summary>
/// <param name="Source">File name used in messages (e.g. <c>predictions.csv</c>).</param>
/// <param name="Rows">Data rows in file order.</param>
/// <param name="ScoreClasses">Classes that have a <c>score_&lt;class&gt;</c> column, in column order.</param>
/// <param name="HasScore">True when a binary <c>score</c> column exists.</param>
public sealed record PredictionSet(string Source, IReadOnlyList<PredictionRow> Rows, IReadOnlyList<string> ScoreClasses, bool HasScore);
