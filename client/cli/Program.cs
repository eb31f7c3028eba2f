using Cluster.Cli.Commands;

// `cluster`: the command-line client, on top of the SDK. kubectl's verbs and output, one-line errors, non-zero exits.
return await CliApp.RunAsync(args, Console.Out, Console.Error);
