using System.Globalization;
using System.Text;
using System.Text.Json;
using Iris.Model;
using Iris.Trainer;

// Trains a softmax regression on the iris data, logs ##mlp metrics, writes the model and held-out predictions.
TrainerOptions options;
try { options = TrainerOptions.Parse(args, Environment.GetEnvironmentVariable); }
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(TrainerOptions.Usage);
    return 2;
}

try
{
    var log = new MlpLog(Console.Out);
    var samples = IrisData.Load(options.Data);
    var (train, test) = IrisData.StratifiedSplit(samples, options.TestFraction, options.Seed);
    Console.WriteLine($"Loaded {samples.Count} samples from '{options.Data}': {train.Count} train, {test.Count} test.");
    log.Param("epochs", options.Epochs);
    log.Param("learning_rate", options.LearningRate);
    log.Param("l2", options.L2);
    log.Param("test_fraction", options.TestFraction);
    log.Param("seed", options.Seed);

    var model = SoftmaxTrainer.Train(train, IrisData.FeatureNames, options, (epoch, loss, accuracy) =>
    {
        log.Metric("loss", loss, epoch);
        log.Metric("train_accuracy", accuracy, epoch);
    });

    var probabilities = test.Select(s => model.Probabilities(s.Features)).ToList();
    var predicted = probabilities.Select(p => model.Classes[SoftmaxTrainer.ArgMax(p)]).ToList();
    var testAccuracy = test.Select((s, i) => s.Label == predicted[i] ? 1.0 : 0.0).Average();
    var testLoss = test.Select((s, i) => -Math.Log(Math.Max(probabilities[i][Array.IndexOf(model.Classes, s.Label)], 1e-15))).Average();
    log.Metric("test_accuracy", testAccuracy);
    log.Metric("test_log_loss", testLoss);

    model.Save(options.ModelDir);
    File.WriteAllText(Path.Combine(options.ModelDir, "signature.json"), Signature(model));
    Console.WriteLine($"Model written to '{Path.Combine(options.ModelDir, SoftmaxModel.FileName)}' (test accuracy {testAccuracy:0.000}).");

    if (options.PredictionsPath is { } predictionsPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(predictionsPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        var csv = new StringBuilder("label,prediction," + string.Join(",", model.Classes.Select(c => "score_" + c)) + "\n");
        for (var i = 0; i < test.Count; i++)
            csv.Append(test[i].Label).Append(',').Append(predicted[i]).Append(',')
               .AppendJoin(",", probabilities[i].Select(p => p.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(predictionsPath, csv.ToString());
        Console.WriteLine($"Predictions for {test.Count} held-out samples written to '{predictionsPath}'.");
    }
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}

static string Signature(SoftmaxModel model) => JsonSerializer.Serialize(new
{
    inputs = model.Features.Select(f => new { name = f, type = "double" }),
    outputs = new object[]
    {
        new { name = "prediction", type = "string", values = model.Classes },
        new { name = "probabilities", type = "map<string,double>" },
    },
}, new JsonSerializerOptions { WriteIndented = true });
