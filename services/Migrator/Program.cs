using Platform.Migrator;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await MigratorApp.RunAsync(args, cancel.Token);
