using RlSpec.Trainer.Cli;

return CliApp.Run(args);
