import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { JOB_HANDLER, JOB_PROCESSOR, JobHandlerFn } from './job';

/** Finds every `@JobProcessor` provider's `@JobHandler` methods, once, at start-up. */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, Map<string, JobHandlerFn>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      const queue = metatype ? (Reflect.getMetadata(JOB_PROCESSOR, metatype) as string | undefined) : undefined;
      if (!queue || !instance) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = Reflect.getMetadata(JOB_HANDLER, prototype[method] as object) as string | undefined;
        if (!name) continue;
        const byName = this.handlers.get(queue) ?? new Map<string, JobHandlerFn>();
        if (byName.has(name)) throw new Error(`Two handlers for job "${name}" of queue "${queue}".`);
        byName.set(name, (job) => (instance as Record<string, JobHandlerFn>)[method](job));
        this.handlers.set(queue, byName);
      }
    }
  }

  handlersOf(queue: string): Map<string, JobHandlerFn> {
    return this.handlers.get(queue) ?? new Map();
  }

  get(queue: string, name: string): JobHandlerFn | undefined {
    return this.handlers.get(queue)?.get(name);
  }
}
