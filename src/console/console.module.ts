import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';
import { ConsoleFiles } from './console-files';

/** Serves the staff console's built files at /console. */
@Module({
  controllers: [ConsoleController],
  providers: [ConsoleFiles],
})
export class ConsoleModule {}
